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
