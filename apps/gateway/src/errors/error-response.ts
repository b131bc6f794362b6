import type { ServerResponse } from 'node:http';

/** An error answer: its status, headers and JSON body (the gateway's shape or OpenAI's). */
export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: object;
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
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(answer.body));
}
