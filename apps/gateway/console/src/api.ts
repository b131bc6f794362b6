/** The admin API as the console calls it: the admin key from the browser session, never in a URL. */

const KEY_STORAGE = 'warren.adminKey';

/** An answer of the API that was not 2xx, with its `WARREN_*` code and the fields it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: { field: string; constraints: string[] }[] = [],
  ) {
    super(message);
  }
}

/** The admin key of this browser tab (sessionStorage: gone when the tab closes). */
export function adminKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function setAdminKey(key: string | null): void {
  if (key === null) sessionStorage.removeItem(KEY_STORAGE);
  else sessionStorage.setItem(KEY_STORAGE, key);
}

/** Calls `path` (`/v1/admin/…`) with the admin key; resolves with the JSON body, rejects with `ApiError`. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${adminKey() ?? ''}` };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    credentials: 'omit',
    cache: 'no-store',
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    // RFC 9457 problem details: the WARREN_* code, the detail and the wrong fields.
    const problem = json as { code?: string; detail?: string; fields?: ApiError['fields'] } | undefined;
    throw new ApiError(res.status, problem?.code ?? `HTTP_${res.status}`, problem?.detail ?? res.statusText, problem?.fields ?? []);
  }
  return json as T;
}

/** A query string of the defined values. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The trace id of a W3C `traceparent`, if it is one. */
export function traceIdOf(traceparent: unknown): string | undefined {
  const m = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(String(traceparent ?? ''));
  return m ? m[1] : undefined;
}

/** An ISO time as the operator's local time. */
export function when(iso: string | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '';
}

/** The message of an error for the screen. */
export function describe(error: unknown): string {
  if (error instanceof ApiError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
