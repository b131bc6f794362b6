import type { ActorContext } from '@warren/actors';
import { InvalidMessageError, KnowledgeDelete, KnowledgeUpsert } from '@warren/contracts';
import type { KnowledgeBase } from '@warren/store';
import { resolveIngressRouterOptions } from '../ingress/ingress-router.options';
import { KnowledgeIngestActor } from './knowledge-ingest.actor';

function setup() {
  const upsert = jest.fn(async () => ({ outcome: 'applied' as const, version: 1 }));
  const del = jest.fn(async () => ({ outcome: 'applied' as const, version: 2 }));
  const actor = new KnowledgeIngestActor(
    { upsert, delete: del } as unknown as KnowledgeBase,
    resolveIngressRouterOptions({ tenantsByUser: { 'cms-acme': 'acme' }, defaultTenant: 'dev' }),
  );
  const ctx = (userId?: string) => ({ userId, signal: new AbortController().signal }) as unknown as ActorContext;
  return { actor, upsert, del, ctx };
}

const upsertOf = (data: Partial<KnowledgeUpsert>) => Object.assign(new KnowledgeUpsert(), { id: 'd', text: 't', version: 1, ...data });

describe('KnowledgeIngestActor', () => {
  it('#upsert() writes the tenant named by an unmapped producer, else the default tenant', async () => {
    const { actor, upsert, ctx } = setup();
    await actor.upsert(upsertOf({ tenant: 'beta', title: 'T' }), ctx('connector'));
    expect(upsert).toHaveBeenLastCalledWith({ id: 'd', text: 't', version: 1, title: 'T', tenant: 'beta' }, expect.any(AbortSignal));
    await actor.upsert(upsertOf({}), ctx(undefined));
    expect(upsert).toHaveBeenLastCalledWith(expect.objectContaining({ tenant: 'dev' }), expect.any(AbortSignal));
  });

  it("#upsert() and #delete() write a mapped producer's own tenant only", async () => {
    const { actor, upsert, del, ctx } = setup();
    await actor.upsert(upsertOf({}), ctx('cms-acme'));
    expect(upsert).toHaveBeenLastCalledWith(expect.objectContaining({ tenant: 'acme' }), expect.any(AbortSignal));
    await expect(actor.upsert(upsertOf({ tenant: 'dev' }), ctx('cms-acme'))).rejects.toBeInstanceOf(InvalidMessageError);
    await actor.delete(Object.assign(new KnowledgeDelete(), { id: 'd', version: 2 }), ctx('cms-acme'));
    expect(del).toHaveBeenLastCalledWith('acme', 'd', 2);
    await expect(
      actor.delete(Object.assign(new KnowledgeDelete(), { tenant: 'x', id: 'd', version: 2 }), ctx('cms-acme')),
    ).rejects.toBeInstanceOf(InvalidMessageError);
  });
});
