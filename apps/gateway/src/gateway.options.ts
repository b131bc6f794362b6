import { createHash } from 'node:crypto';
import { InvalidOptionsError } from '@warren/contracts';
import { DEFAULT_MODEL_CATALOG, type ModelCatalog, resolveModelCatalog } from './openai/model-catalog';

/** Nest injection token of the resolved {@link GatewayOptions}. */
export const GATEWAY_OPTIONS = Symbol('warren:gateway-options');

/** One tenant of the gateway. */
export interface GatewayTenant {
  /** SHA-256 of each API key as `sha256:<64 hex>` (see {@link hashApiKey}); the keys themselves are never stored. */
  apiKeys: string[];
}

/** One operator of the admin API (`/v1/admin/…`). */
export interface GatewayAdmin {
  /** SHA-256 of each admin API key as `sha256:<64 hex>`; never the same as a tenant key. */
  apiKeys: string[];
}

/** Options of the HTTP gateway. Every field is documented with its default. */
export interface GatewayOptions {
  /**
   * Tenant name (`[A-Za-z0-9_-]{1,64}`) → its API keys. A bearer key that is not listed gets 401.
   * @default {} (no tenant: every request is refused)
   */
  tenants: Record<string, GatewayTenant>;
  /**
   * Admin name (`[A-Za-z0-9_-]{1,64}`, the "who" of the audit log) → its API keys, for the admin
   * routes (`/v1/admin/…`). A tenant's key there gets 403, an unknown key 401.
   * @default {} (no admin: the admin routes refuse every request)
   */
  admins: Record<string, GatewayAdmin>;
  /** Days a discarded dead letter is kept before `POST /v1/admin/dead-letters/purge` deletes it. @default 30 */
  deadLetterRetentionDays: number;
  /** Longest accepted message `text`, in characters. @default 4000 */
  maxTextLength: number;
  /** Interval of the comment lines that keep a Server-Sent Events stream open. @default 15000 */
  sseHeartbeatMs: number;
  /** History items per page when `limit` is not given; at most `historyMaxPageSize`. @default 50 (or the maximum, when lower) */
  historyPageSize: number;
  /** Largest `limit` a history request may ask for. @default 200 */
  historyMaxPageSize: number;
  /**
   * The models the OpenAI-compatible routes offer (`GET /v1/models`, `POST /v1/embeddings`); the apps
   * build it from `routing:` and `models:` (`modelCatalogFromConfig`).
   * @default `auto` and `local` for chat, `local` for embeddings
   */
  models: ModelCatalog;
  /**
   * Longest wait for the tenant's limiter when a turn is posted (the accept-time check, see
   * `TurnAdmission`); 0 turns the check off. @default 500
   */
  admissionTimeoutMs: number;
  /**
   * Answer `POST /v1/sessions/:sessionId/messages` in the gateway's Express middleware
   * (`useFastPostMessage`) instead of Nest's router, guard and pipe. @default true
   */
  fastPostMessage: boolean;
}

export const GATEWAY_DEFAULTS: Readonly<GatewayOptions> = Object.freeze({
  tenants: Object.freeze({}) as Record<string, GatewayTenant>,
  admins: Object.freeze({}) as Record<string, GatewayAdmin>,
  deadLetterRetentionDays: 30,
  maxTextLength: 4000,
  sseHeartbeatMs: 15_000,
  historyPageSize: 50,
  historyMaxPageSize: 200,
  models: DEFAULT_MODEL_CATALOG as ModelCatalog,
  fastPostMessage: true,
  admissionTimeoutMs: 500,
});

/** Tenants become part of actor keys (`session/<tenant>~<id>`), so `~`, `/` and `.` are out. */
export const TENANT_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const KEY_HASH = /^sha256:[0-9a-f]{64}$/;
/** The store pages at most 1000 items. */
const MAX_PAGE = 1000;

/** The stored form of an API key: `sha256:<hex>` of its UTF-8 bytes (as `echo -n <key> | sha256sum`). */
export function hashApiKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/**
 * Fills defaults and checks every value; throws `InvalidOptionsError('gateway.<key>', …)` for
 * an unknown key or a bad value. Key hashes are compared in lower case; a hash listed under
 * two tenants or admins, or under a tenant and an admin, is refused (the key would not say whose it is).
 */
export function resolveGatewayOptions(raw: Partial<GatewayOptions> = {}): GatewayOptions {
  if (raw === null || typeof raw !== 'object') throw new InvalidOptionsError('gateway', 'must be an object');
  for (const key of Object.keys(raw))
    if (!(key in GATEWAY_DEFAULTS)) throw new InvalidOptionsError(`gateway.${key}`, 'is not a gateway option');
  const owner = new Map<string, string>();
  const o: GatewayOptions = {
    tenants: resolveKeyOwners('tenants', 'tenant', raw.tenants ?? GATEWAY_DEFAULTS.tenants, owner),
    admins: resolveKeyOwners('admins', 'admin', raw.admins ?? GATEWAY_DEFAULTS.admins, owner),
    deadLetterRetentionDays: integer(
      'deadLetterRetentionDays',
      raw.deadLetterRetentionDays ?? GATEWAY_DEFAULTS.deadLetterRetentionDays,
      1,
      36_500,
    ),
    maxTextLength: integer('maxTextLength', raw.maxTextLength ?? GATEWAY_DEFAULTS.maxTextLength, 1, 1_000_000),
    sseHeartbeatMs: integer('sseHeartbeatMs', raw.sseHeartbeatMs ?? GATEWAY_DEFAULTS.sseHeartbeatMs, 10, 3_600_000),
    historyMaxPageSize: integer('historyMaxPageSize', raw.historyMaxPageSize ?? GATEWAY_DEFAULTS.historyMaxPageSize, 1, MAX_PAGE),
    historyPageSize: 0,
    models: resolveModelCatalog(raw.models ?? GATEWAY_DEFAULTS.models),
    fastPostMessage: raw.fastPostMessage ?? GATEWAY_DEFAULTS.fastPostMessage,
    admissionTimeoutMs: integer('admissionTimeoutMs', raw.admissionTimeoutMs ?? GATEWAY_DEFAULTS.admissionTimeoutMs, 0, 10_000),
  };
  if (typeof o.fastPostMessage !== 'boolean') throw new InvalidOptionsError('gateway.fastPostMessage', 'must be true or false');
  // A lowered maximum lowers the default page size with it.
  const pageSize = raw.historyPageSize ?? Math.min(GATEWAY_DEFAULTS.historyPageSize, o.historyMaxPageSize);
  o.historyPageSize = integer('historyPageSize', pageSize, 1, o.historyMaxPageSize);
  return o;
}

/**
 * The start-up warning of a gateway that no tenant key can pass (`gateway.tenants` empty, as with
 * config/production.yaml and no `WARREN__GATEWAY__TENANTS`), or `undefined` when some tenant has a key.
 */
export function noTenantKeysWarning(options: Pick<GatewayOptions, 'tenants'>): string | undefined {
  const names = Object.keys(options.tenants);
  if (names.some((name) => (options.tenants[name]?.apiKeys.length ?? 0) > 0)) return undefined;
  const what =
    names.length === 0
      ? 'no tenant is configured (gateway.tenants is empty)'
      : `no tenant has an API key (gateway.tenants: ${names.join(', ')})`;
  return (
    `${what}: every request to the tenant routes (/v1/sessions, /v1/tasks, /v1/chat/completions) will get 401. ` +
    `Give the gateway its tenants and the SHA-256 of their keys (echo -n '<key>' | sha256sum), e.g. ` +
    `WARREN__GATEWAY__TENANTS='{"acme":{"apiKeys":["sha256:<hex>"]}}' (see the comment at the top of docker-compose.yml)`
  );
}

function integer(key: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new InvalidOptionsError(`gateway.${key}`, `must be an integer from ${min} to ${max} (got ${String(value)})`);
  return value;
}

/** Tenants or admins: name → `{ apiKeys }`; `owner` (hash → "tenant x" / "admin y") spans both, so no key is listed twice. */
function resolveKeyOwners(
  section: 'tenants' | 'admins',
  kind: 'tenant' | 'admin',
  raw: unknown,
  owner: Map<string, string>,
): Record<string, { apiKeys: string[] }> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new InvalidOptionsError(`gateway.${section}`, `must be an object of ${kind} → { apiKeys }`);
  const out: Record<string, { apiKeys: string[] }> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const at = `gateway.${section}.${name}`;
    if (!TENANT_PATTERN.test(name)) throw new InvalidOptionsError(at, `${kind} names must match [A-Za-z0-9_-]{1,64}`);
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new InvalidOptionsError(at, 'must be { apiKeys: [...] }');
    for (const key of Object.keys(value))
      if (key !== 'apiKeys') throw new InvalidOptionsError(`${at}.${key}`, `is not ${kind === 'admin' ? 'an' : 'a'} ${kind} option`);
    const keys = (value as { apiKeys?: unknown }).apiKeys;
    if (!Array.isArray(keys)) throw new InvalidOptionsError(`${at}.apiKeys`, 'must be a list of sha256:<64 hex> hashes');
    const me = `${kind} ${name}`;
    const apiKeys = keys.map((k, i) => {
      const hash = typeof k === 'string' ? k.toLowerCase() : '';
      if (!KEY_HASH.test(hash))
        throw new InvalidOptionsError(
          `${at}.apiKeys.${i}`,
          'must be sha256:<64 hex> (the SHA-256 of the key, e.g. echo -n <key> | sha256sum)',
        );
      const other = owner.get(hash);
      if (other !== undefined && other !== me) throw new InvalidOptionsError(`${at}.apiKeys.${i}`, `is also a key of ${other}`);
      owner.set(hash, me);
      return hash;
    });
    out[name] = { apiKeys };
  }
  return out;
}
