/**
 * The gateway's routes: everything under `/v1`. Express matches routes without regard to case
 * (`/V1/tasks/t1` reaches the tasks controller), so this does too.
 */
export function isGatewayPath(url: string | undefined): boolean {
  return url !== undefined && /^\/v1(?:[/?#]|$)/i.test(url);
}

/** The OpenAI-compatible route, `POST /v1/chat/completions`, as Express matches it (any case, an optional trailing slash). */
export function isChatCompletionsPath(url: string | undefined): boolean {
  return url !== undefined && /^\/v1\/chat\/completions\/?(?:[?#]|$)/i.test(url);
}

/** Warren's own route families under `/v1`; everything else under `/v1` is OpenAI's namespace. */
const WARREN_PREFIXES = /^\/v1\/(?:sessions|tasks|users|admin)(?:[/?#]|$)/i;

/**
 * A path in the OpenAI-compatible namespace: `/v1/chat/completions`, `/v1/models`, `/v1/embeddings`,
 * and any other `/v1` path that is not one of Warren's own families (sessions, tasks, users, admin),
 * so that an OpenAI client calling a route Warren does not have (`/v1/responses`) gets a 404 in the
 * shape its SDK reads.
 */
export function isOpenAiPath(url: string | undefined): boolean {
  return isGatewayPath(url) && !WARREN_PREFIXES.test(url as string) && !/^\/v1\/?(?:[?#]|$)/i.test(url as string);
}

/** Routes whose request bodies may be large (a whole conversation, a batch of texts to embed). */
export function isLargeBodyPath(url: string | undefined): boolean {
  return isChatCompletionsPath(url) || (url !== undefined && /^\/v1\/embeddings\/?(?:[?#]|$)/i.test(url));
}
