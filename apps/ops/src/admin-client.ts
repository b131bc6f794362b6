import { apiErrorOf, createWarrenHttpClient, unwrap, WarrenApiError, type WarrenHttpClient } from '@warren/client';
import type {
  AuditEntry,
  DeadLetter,
  DeadLetterQuery,
  EditBody,
  EditResult,
  Page,
  PurgeResult,
  ReplayBody,
  ReplayResult,
  Stats,
  StatusChangeBody,
  StatusChangeResult,
} from './admin-types';
import { AdminApiError, CliError, UsageError } from './cli-errors';

/** Where the admin API is and the key to call it with. */
export interface AdminClientOptions {
  /** Base URL of the gateway, e.g. `http://localhost:3000`. */
  url: string;
  /** An admin API key (`gateway.admins`). */
  key: string;
  /** Per request. @default 120000 */
  timeoutMs?: number;
}

/** The gateway's URL and admin key from the options or the environment, checked. */
export function resolveClientOptions(opts: { url?: string; key?: string }, env: NodeJS.ProcessEnv): AdminClientOptions {
  const url = opts.url ?? env.WARREN_URL ?? 'http://localhost:3000';
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`--url must be an http(s) URL (got ${url})`);
  }
  const key = opts.key ?? env.WARREN_ADMIN_KEY;
  if (!key) throw new UsageError('no admin API key: pass --key <admin key> or set WARREN_ADMIN_KEY (in development: --key dev-admin-key)');
  return { url: url.replace(/\/+$/, ''), key };
}

const DEAD_LETTERS = '/v1/admin/dead-letters';

/**
 * The CLI's client of the gateway's admin API (`/v1/admin/…`): the typed client generated from the
 * gateway's OpenAPI document (`@warren/client`), one method per route the CLI calls. Error answers
 * become `AdminApiError` with the problem's code, detail and wrong fields; an unreachable gateway a
 * `CliError` saying where.
 */
export class AdminClient {
  private readonly http: WarrenHttpClient;

  constructor(private readonly options: AdminClientOptions) {
    const timeoutMs = options.timeoutMs ?? 120_000;
    this.http = createWarrenHttpClient({
      baseUrl: options.url,
      apiKey: options.key,
      fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
    });
  }

  /** `GET /v1/admin/dead-letters/stats`. */
  stats(filter: DeadLetterQuery = {}): Promise<Stats> {
    return this.call(this.http.GET(`${DEAD_LETTERS}/stats`, { params: { query: filter } }));
  }

  /** `GET /v1/admin/dead-letters`: a page. */
  list(query: DeadLetterQuery = {}): Promise<Page<DeadLetter>> {
    return this.call(this.http.GET(DEAD_LETTERS, { params: { query } }));
  }

  /** `GET /v1/admin/dead-letters/{id}`. */
  get(id: string): Promise<DeadLetter> {
    return this.call(this.http.GET(`${DEAD_LETTERS}/{id}`, { params: { path: { id } } }));
  }

  /** `POST /v1/admin/dead-letters/replay`. */
  replay(body: ReplayBody): Promise<ReplayResult> {
    return this.call(this.http.POST(`${DEAD_LETTERS}/replay`, { body }));
  }

  /** `POST /v1/admin/dead-letters/{id}/edit`. */
  edit(id: string, body: EditBody): Promise<EditResult> {
    return this.call(this.http.POST(`${DEAD_LETTERS}/{id}/edit`, { params: { path: { id } }, body }));
  }

  /** `POST /v1/admin/dead-letters/discard`. */
  discard(body: StatusChangeBody & { reason: string }): Promise<StatusChangeResult> {
    return this.call(this.http.POST(`${DEAD_LETTERS}/discard`, { body }));
  }

  /** `POST /v1/admin/dead-letters/restore`. */
  restore(ids: string[]): Promise<StatusChangeResult> {
    return this.call(this.http.POST(`${DEAD_LETTERS}/restore`, { body: { ids } }));
  }

  /** `POST /v1/admin/dead-letters/purge`. */
  purge(): Promise<PurgeResult> {
    return this.call(this.http.POST(`${DEAD_LETTERS}/purge`, {}));
  }

  /** `GET /v1/admin/audit`: a page. */
  audit(query: { limit?: number; cursor?: string } = {}): Promise<Page<AuditEntry>> {
    return this.call(this.http.GET('/v1/admin/audit', { params: { query } }));
  }

  private async call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    try {
      return await unwrap(request);
    } catch (error) {
      if (error instanceof WarrenApiError) throw new AdminApiError(error.status, error.code, error.message, error.fields);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new CliError(`cannot reach Warren at ${this.options.url} (${why}); is it running? Set --url or WARREN_URL`);
    }
  }
}

/** For callers that hold a raw answer: the same error mapping as the client's. */
export function adminErrorOf(status: number, body: unknown): AdminApiError {
  const error = apiErrorOf(status, body);
  return new AdminApiError(error.status, error.code, error.message, error.fields);
}
