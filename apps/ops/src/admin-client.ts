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

/** Query string of defined, non-empty values. */
export function queryString(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * A small client of the gateway's admin API (`/v1/admin/…`) on Node's fetch. Error answers become
 * `AdminApiError` with the body's code and message; an unreachable gateway a `CliError` saying where.
 */
export class AdminClient {
  constructor(private readonly options: AdminClientOptions) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.options.url}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.options.key}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 120_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new CliError(`cannot reach Warren at ${this.options.url} (${why}); is it running? Set --url or WARREN_URL`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const err = (parsed as { error?: { code?: string; message?: string; fields?: AdminApiError['fields'] } } | undefined)?.error;
      throw new AdminApiError(
        res.status,
        err?.code ?? `HTTP_${res.status}`,
        err?.message ?? (text.slice(0, 200) || res.statusText),
        err?.fields ?? [],
      );
    }
    return parsed as T;
  }
}
