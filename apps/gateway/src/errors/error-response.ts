import type { ServerResponse } from 'node:http';

/** An error answer: its status, headers, media type and JSON body (a problem details body or OpenAI's). */
export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: object;
  /** @default application/json */
  contentType?: string;
}

/**
 * Writes an error answer as JSON. When a response had already started (a stream: SSE, a streamed
 * completion), all that is left is to end it.
 */
export function writeErrorAnswer(res: ServerResponse, answer: ErrorAnswer): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.setHeader('content-type', `${answer.contentType ?? 'application/json'}; charset=utf-8`);
  res.end(JSON.stringify(answer.body));
}
