import { InvalidOptionsError } from '@warren/contracts';

/** How a chat `model` name is read by the runtime (see `chatTarget`): the routing default, a strategy, a route or an endpoint. */
export type ChatModelKind = 'auto' | 'strategy' | 'route' | 'endpoint';

/**
 * The models a tenant may name on the OpenAI-compatible routes, from the configuration: for chat
 * completions `auto`, the routing strategies, the routes and the model endpoints; for embeddings
 * the embedding endpoints. `GET /v1/models` lists them; `POST /v1/embeddings` refuses another name.
 */
export interface ModelCatalog {
  chat: { id: string; kind: ChatModelKind }[];
  embeddings: string[];
}

/** What a gateway offers without configuration: the routing default and the built-in local model and embedder. */
export const DEFAULT_MODEL_CATALOG: Readonly<ModelCatalog> = Object.freeze({
  chat: [
    { id: 'auto', kind: 'auto' as const },
    { id: 'local', kind: 'endpoint' as const },
  ],
  embeddings: ['local'],
});

/** The part of the configuration the catalogue is made of (structural, so tests can pass a sketch). */
export interface ModelCatalogInput {
  readonly models: { readonly endpoints?: Readonly<Record<string, unknown>>; readonly embeddings?: Readonly<Record<string, unknown>> };
  readonly routing: { readonly strategies: Readonly<Record<string, unknown>>; readonly routes: Readonly<Record<string, unknown>> };
}

/**
 * The catalogue of a configuration, in the order the runtime resolves a chat `model`: `auto`, the
 * strategies, the routes, then `local` and the other endpoints (a name in two families is listed once,
 * as the runtime reads it); the embeddings `local` and those of `models.embeddings`.
 */
export function modelCatalogFromConfig(config: ModelCatalogInput): ModelCatalog {
  const chat: ModelCatalog['chat'] = [{ id: 'auto', kind: 'auto' }];
  const seen = new Set(['auto']);
  const add = (id: string, kind: ChatModelKind) => {
    if (seen.has(id)) return;
    seen.add(id);
    chat.push({ id, kind });
  };
  for (const id of Object.keys(config.routing.strategies)) add(id, 'strategy');
  for (const id of Object.keys(config.routing.routes)) add(id, 'route');
  for (const id of ['local', ...Object.keys(config.models.endpoints ?? {})]) add(id, 'endpoint');
  return { chat, embeddings: [...new Set(['local', ...Object.keys(config.models.embeddings ?? {})])] };
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/;
const KINDS: readonly string[] = ['auto', 'strategy', 'route', 'endpoint'];

/** Checks a catalogue (`gateway.models`): ids are names, kinds known, no id twice in one family. */
export function resolveModelCatalog(raw: unknown): ModelCatalog {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new InvalidOptionsError('gateway.models', 'must be { chat, embeddings }');
  const { chat, embeddings, ...rest } = raw as Partial<ModelCatalog>;
  for (const key of Object.keys(rest)) throw new InvalidOptionsError(`gateway.models.${key}`, 'is not a model catalogue option');
  if (!Array.isArray(chat)) throw new InvalidOptionsError('gateway.models.chat', 'must be a list of { id, kind }');
  if (!Array.isArray(embeddings)) throw new InvalidOptionsError('gateway.models.embeddings', 'must be a list of names');
  const ids = new Set<string>();
  const out: ModelCatalog = { chat: [], embeddings: [] };
  for (const [i, m] of chat.entries()) {
    if (typeof m?.id !== 'string' || !ID.test(m.id) || !KINDS.includes(m.kind) || ids.has(m.id))
      throw new InvalidOptionsError(`gateway.models.chat.${i}`, 'must be { id: <a new name>, kind: auto | strategy | route | endpoint }');
    ids.add(m.id);
    out.chat.push({ id: m.id, kind: m.kind });
  }
  for (const [i, id] of embeddings.entries()) {
    if (typeof id !== 'string' || !ID.test(id) || out.embeddings.includes(id))
      throw new InvalidOptionsError(`gateway.models.embeddings.${i}`, 'must be a new endpoint name');
    out.embeddings.push(id);
  }
  return out;
}
