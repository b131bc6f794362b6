import { InvalidOptionsError } from '@warren/contracts';

/** Nest injection token of the resolved {@link KnowledgeOptions}. */
export const KNOWLEDGE_OPTIONS = Symbol('warren:knowledge-options');

/** Nest injection token of the process's `KnowledgeBase` (over the store's `knowledge`). */
export const KNOWLEDGE_BASE = Symbol('warren:knowledge-base');

/** The `retrieve` step's options of one tenant. */
export interface RetrievalOptions {
  /** The step runs. @default false */
  enabled: boolean;
  /** Passages put into the prompt (1 to 20). @default 4 */
  topK: number;
  /** Lowest fused score kept (0 to 1). @default 0 */
  minScore: number;
  /** Only these collections; empty: all. @default [] */
  collections: readonly string[];
}

/** `knowledge:` of config/, resolved. */
export interface KnowledgeOptions {
  /** Embedding endpoint for hybrid search; '' lexical only. @default '' */
  embedder: string;
  /** @default 800 */
  maxPassageChars: number;
  /** @default 2000 */
  timeoutMs: number;
  retrieval: RetrievalOptions;
  tenants: Readonly<Record<string, RetrievalOptions>>;
}

export const RETRIEVAL_DEFAULTS: Readonly<RetrievalOptions> = Object.freeze({ enabled: false, topK: 4, minScore: 0, collections: [] });

export const KNOWLEDGE_DEFAULTS: Readonly<KnowledgeOptions> = Object.freeze({
  embedder: '',
  maxPassageChars: 800,
  timeoutMs: 2_000,
  retrieval: RETRIEVAL_DEFAULTS,
  tenants: Object.freeze({}),
});

type RawRetrieval = Partial<Omit<RetrievalOptions, 'collections'>> & { collections?: readonly string[] };
type RawKnowledge = Partial<Omit<KnowledgeOptions, 'retrieval' | 'tenants'>> & {
  retrieval?: RawRetrieval;
  tenants?: Readonly<Record<string, RawRetrieval>>;
};

/** Fills defaults (a tenant's overrides over `retrieval`), refuses unknown keys and bad values naming the key. */
export function resolveKnowledgeOptions(raw: RawKnowledge = {}): KnowledgeOptions {
  for (const key of Object.keys(raw))
    if (!(key in KNOWLEDGE_DEFAULTS)) throw new InvalidOptionsError(`knowledge.${key}`, 'is not a knowledge option');
  const embedder = raw.embedder ?? KNOWLEDGE_DEFAULTS.embedder;
  if (typeof embedder !== 'string' || !/^([A-Za-z0-9_-]{1,64})?$/.test(embedder))
    throw new InvalidOptionsError('knowledge.embedder', 'must be an embedding endpoint name or ""');
  const maxPassageChars = intIn(raw.maxPassageChars ?? KNOWLEDGE_DEFAULTS.maxPassageChars, 'knowledge.maxPassageChars', 100, 20_000);
  const timeoutMs = intIn(raw.timeoutMs ?? KNOWLEDGE_DEFAULTS.timeoutMs, 'knowledge.timeoutMs', 1, 60_000);
  const retrieval = resolveRetrieval(raw.retrieval ?? {}, RETRIEVAL_DEFAULTS, 'knowledge.retrieval');
  const tenants: Record<string, RetrievalOptions> = {};
  const rawTenants = raw.tenants ?? {};
  if (rawTenants === null || typeof rawTenants !== 'object' || Array.isArray(rawTenants))
    throw new InvalidOptionsError('knowledge.tenants', 'must be a mapping of tenant to retrieval options');
  for (const [tenant, over] of Object.entries(rawTenants))
    tenants[tenant] = resolveRetrieval(over, retrieval, `knowledge.tenants.${tenant}`);
  return { embedder, maxPassageChars, timeoutMs, retrieval, tenants };
}

/** The retrieval options of `tenant`: its overrides, else the installation's. */
export function retrievalFor(options: Pick<KnowledgeOptions, 'retrieval' | 'tenants'>, tenant: string): RetrievalOptions {
  return Object.hasOwn(options.tenants, tenant) ? options.tenants[tenant] : options.retrieval;
}

function resolveRetrieval(raw: RawRetrieval, base: RetrievalOptions, path: string): RetrievalOptions {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidOptionsError(path, 'must be an object');
  for (const key of Object.keys(raw))
    if (!(key in RETRIEVAL_DEFAULTS)) throw new InvalidOptionsError(`${path}.${key}`, 'is not a retrieval option');
  const enabled = raw.enabled ?? base.enabled;
  if (typeof enabled !== 'boolean') throw new InvalidOptionsError(`${path}.enabled`, 'must be true or false');
  const minScore = raw.minScore ?? base.minScore;
  if (typeof minScore !== 'number' || !(minScore >= 0 && minScore <= 1))
    throw new InvalidOptionsError(`${path}.minScore`, 'must be a number from 0 to 1');
  const collections = raw.collections ?? base.collections;
  if (!Array.isArray(collections) || collections.some((c) => typeof c !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(c)))
    throw new InvalidOptionsError(`${path}.collections`, 'must be a list of collection names ([A-Za-z0-9_.-]{1,64})');
  return { enabled, topK: intIn(raw.topK ?? base.topK, `${path}.topK`, 1, 20), minScore, collections: [...collections] };
}

function intIn(value: unknown, key: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new InvalidOptionsError(key, `must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`);
  return value;
}
