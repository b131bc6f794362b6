import { InvalidMessageError } from '@warren/contracts';
import type { ModelCatalog } from '../openai/model-catalog';
import type { PostMessageBody } from './session-requests.dto';

/**
 * Checks a posted turn's own routing against what the tenant may name, the catalogue `GET /v1/models`
 * lists: `model` one of its chat models (`auto`, a strategy, a route, an endpoint), `strategy` one of
 * its strategies, never both. Throws `InvalidMessageError` (400, the field named) otherwise.
 */
export function checkRoutingFields(body: Pick<PostMessageBody, 'model' | 'strategy'>, catalog: ModelCatalog): void {
  if (body.model !== undefined && body.strategy !== undefined) throw invalid('strategy', 'give model or strategy, not both');
  if (body.model !== undefined && !catalog.chat.some((m) => m.id === body.model))
    throw invalid('model', `model must be one of GET /v1/models (chat): ${names(catalog, () => true)}`);
  if (body.strategy !== undefined && !catalog.chat.some((m) => m.id === body.strategy && m.kind === 'strategy'))
    throw invalid('strategy', `strategy must be a routing strategy: ${names(catalog, (kind) => kind === 'strategy') || 'none configured'}`);
}

function names(catalog: ModelCatalog, keep: (kind: ModelCatalog['chat'][number]['kind']) => boolean): string {
  return catalog.chat
    .filter((m) => keep(m.kind))
    .map((m) => m.id)
    .join(', ');
}

function invalid(field: 'model' | 'strategy', rule: string): InvalidMessageError {
  return new InvalidMessageError(rule, [{ field, constraints: [rule] }]);
}
