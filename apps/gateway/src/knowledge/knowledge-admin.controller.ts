import { Body, Controller, Delete, Get, Inject, Param, Put, Query, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '@warren/contracts';
import {
  type KnowledgeBase,
  type KnowledgeDocument,
  type KnowledgeHit,
  type KnowledgeWriteResult,
  WARREN_STORE,
  type WarrenStore,
} from '@warren/store';
import { AdminGuard } from '../admin/admin.guard';
import { AdminName } from '../admin/admin-request';
import { ApiProblems } from '../errors/api-errors.decorator';
import { gatewayValidationPipe } from '../errors/validation.pipe';
import {
  DeleteKnowledgeQuery,
  KnowledgeDocumentPageView,
  KnowledgeDocumentParams,
  KnowledgeDocumentView,
  KnowledgeSearchView,
  KnowledgeTenantParams,
  KnowledgeWriteView,
  ListKnowledgeQuery,
  PutKnowledgeDocumentBody,
  SearchKnowledgeQuery,
} from './knowledge.dto';

/** Nest injection token of the gateway's `KnowledgeBase` (over the store, with `knowledge.embedder`). */
export const GATEWAY_KNOWLEDGE = Symbol('warren:gateway-knowledge');

/**
 * A tenant's knowledge base for operators: write, read, delete and search documents. The same
 * versions as the `warren.knowledge` change events (a write applies only when newer), so the two
 * paths can be mixed; a write is searchable as soon as it is answered. Writes go to the audit log.
 * Admin keys only.
 */
@ApiTags('admin: knowledge')
@ApiBearerAuth()
@ApiProblems(400, 401, 403, 500, 503)
@Controller('v1/admin/knowledge/:tenant')
@UseGuards(AdminGuard)
@UsePipes(gatewayValidationPipe())
export class KnowledgeAdminController {
  constructor(
    @Inject(GATEWAY_KNOWLEDGE) private readonly knowledge: KnowledgeBase,
    @Inject(WARREN_STORE) private readonly store: WarrenStore,
  ) {}

  @Put('documents/:documentId')
  @ApiOperation({
    operationId: 'putKnowledgeDocument',
    summary: 'Create or replace a document (split into passages, embedded when an embedder is configured) if its version is newer',
  })
  @ApiOkResponse({ type: KnowledgeWriteView })
  async put(
    @Param() params: KnowledgeDocumentParams,
    @Body() body: PutKnowledgeDocumentBody,
    @AdminName() admin: string,
  ): Promise<KnowledgeWriteResult> {
    const result = await this.knowledge.upsert({ ...body, tenant: params.tenant, id: params.documentId });
    if (result.outcome === 'applied') await this.audit(admin, 'knowledge.upsert', params, { version: body.version });
    return result;
  }

  @Delete('documents/:documentId')
  @ApiOperation({
    operationId: 'deleteKnowledgeDocument',
    summary: 'Delete a document and its passages (with `version`: unless the stored one is newer)',
  })
  @ApiOkResponse({ type: KnowledgeWriteView })
  @ApiProblems([404, 'No such document (`WARREN_NOT_FOUND`).'])
  async delete(
    @Param() params: KnowledgeDocumentParams,
    @Query() query: DeleteKnowledgeQuery,
    @AdminName() admin: string,
  ): Promise<KnowledgeWriteResult> {
    const result = await this.knowledge.delete(params.tenant, params.documentId, query.version);
    if (result.outcome === 'stale' && result.version === undefined) throw new NotFoundError('knowledge document', params.documentId);
    if (result.outcome === 'applied') await this.audit(admin, 'knowledge.delete', params, { version: result.version });
    return result;
  }

  @Get('documents/:documentId')
  @ApiOperation({ operationId: 'getKnowledgeDocument', summary: 'A document (not deleted) with its version and passage count' })
  @ApiOkResponse({ type: KnowledgeDocumentView })
  @ApiProblems([404, 'No such document (`WARREN_NOT_FOUND`).'])
  async get(@Param() params: KnowledgeDocumentParams): Promise<KnowledgeDocument> {
    const doc = await this.knowledge.get(params.tenant, params.documentId);
    if (!doc) throw new NotFoundError('knowledge document', params.documentId);
    return doc;
  }

  @Get('documents')
  @ApiOperation({ operationId: 'listKnowledgeDocuments', summary: "A tenant's documents by id; pass `nextAfter` back as `after`" })
  @ApiOkResponse({ type: KnowledgeDocumentPageView })
  async list(
    @Param() params: KnowledgeTenantParams,
    @Query() query: ListKnowledgeQuery,
  ): Promise<{ items: KnowledgeDocument[]; nextAfter?: string }> {
    const limit = query.limit ?? 100;
    const items = await this.knowledge.list(params.tenant, {
      limit,
      ...(query.collection ? { collection: query.collection } : {}),
      ...(query.after ? { after: query.after } : {}),
    });
    return items.length === limit ? { items, nextAfter: items[items.length - 1].id } : { items };
  }

  @Get('search')
  @ApiOperation({
    operationId: 'searchKnowledge',
    summary: "The tenant's best passages for `q`, as the retrieve step of a turn ranks them (BM25, fused with vectors when hybrid)",
  })
  @ApiOkResponse({ type: KnowledgeSearchView })
  async search(
    @Param() params: KnowledgeTenantParams,
    @Query() query: SearchKnowledgeQuery,
  ): Promise<{ hybrid: boolean; hits: KnowledgeHit[] }> {
    const hits = await this.knowledge.search({
      tenant: params.tenant,
      text: query.q,
      topK: query.topK ?? 5,
      ...(query.minScore !== undefined ? { minScore: query.minScore } : {}),
      ...(query.collections?.length ? { collections: query.collections } : {}),
    });
    return { hybrid: this.knowledge.hybrid, hits };
  }

  private async audit(actor: string, action: string, params: KnowledgeDocumentParams, details: Record<string, unknown>): Promise<void> {
    await this.store.audit.append({ actor, action, count: 1, target: `${params.tenant}/${params.documentId}`, details });
  }
}
