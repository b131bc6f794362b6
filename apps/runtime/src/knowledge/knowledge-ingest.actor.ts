import { Inject, Logger } from '@nestjs/common';
import { Actor, type ActorContext, Handle } from '@warren/actors';
import { InvalidMessageError, KNOWLEDGE_ACTOR_TYPE, KnowledgeDelete, KnowledgeUpsert } from '@warren/contracts';
import type { KnowledgeBase, KnowledgeWriteResult } from '@warren/store';
import { INGRESS_ROUTER_OPTIONS, type IngressRouterOptions } from '../ingress/ingress-router.options';
import { KNOWLEDGE_BASE } from './knowledge.options';

/**
 * `knowledge/ingest`: applies the document changes raw producers publish on `warren.knowledge`
 * (queue `warren.knowledge.ingest`) to the knowledge base. Each change carries a version, so a
 * redelivered event (`duplicate`) or a late older one (`stale`) changes nothing, and competing
 * consumers need no order. An event that is not a valid upsert or delete is refused like other
 * poison input: dead-lettered with `WARREN_INVALID_MESSAGE`, never retried.
 *
 * The tenant: a producer whose AMQP `user_id` (checked by the broker) is mapped in
 * `ingress.tenantsByUser` writes that tenant only (a `data.tenant` naming another is refused);
 * an unmapped producer (a trusted CDC connector) names the tenant in `data.tenant`, else
 * `ingress.defaultTenant`.
 */
@Actor(KNOWLEDGE_ACTOR_TYPE, { kind: 'worker' })
export class KnowledgeIngestActor {
  private readonly log = new Logger('knowledge');

  constructor(
    @Inject(KNOWLEDGE_BASE) private readonly knowledge: KnowledgeBase,
    @Inject(INGRESS_ROUTER_OPTIONS) private readonly ingress: IngressRouterOptions,
  ) {}

  @Handle(KnowledgeUpsert)
  async upsert(msg: KnowledgeUpsert, ctx: ActorContext): Promise<KnowledgeWriteResult> {
    const { tenant: named, ...doc } = msg;
    const tenant = this.tenantOf(named, ctx);
    const result = await this.knowledge.upsert({ ...doc, tenant }, ctx.signal);
    this.log.debug?.(`upsert ${tenant}/${doc.id} v${doc.version}: ${result.outcome}`);
    return result;
  }

  @Handle(KnowledgeDelete)
  async delete(msg: KnowledgeDelete, ctx: ActorContext): Promise<KnowledgeWriteResult> {
    const tenant = this.tenantOf(msg.tenant, ctx);
    const result = await this.knowledge.delete(tenant, msg.id, msg.version);
    this.log.debug?.(`delete ${tenant}/${msg.id} v${msg.version}: ${result.outcome}`);
    return result;
  }

  private tenantOf(named: string | undefined, ctx: ActorContext): string {
    const user = ctx.userId;
    const mapped = user !== undefined && Object.hasOwn(this.ingress.tenantsByUser, user) ? this.ingress.tenantsByUser[user] : undefined;
    if (mapped !== undefined && named !== undefined && named !== mapped) {
      throw new InvalidMessageError(`AMQP user "${user}" writes tenant "${mapped}" only, not "${named}"`, [
        { field: 'tenant', constraints: [`absent or "${mapped}"`] },
      ]);
    }
    return mapped ?? named ?? this.ingress.defaultTenant;
  }
}
