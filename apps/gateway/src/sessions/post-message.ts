import type { IncomingMessage } from 'node:http';
import { requestSpanOf } from '@warren/telemetry';
import { startServerSpan } from '../http/server-span';
import type { SessionMessagesService, SessionTarget } from './session-messages.service';
import type { PostMessageBody } from './session-requests.dto';

/** The span name of `POST /v1/sessions/:sessionId/messages`. */
export const POST_MESSAGE_SPAN = 'POST /v1/sessions/:sessionId/messages';

/** Where the `traceparent` of the response goes (Node's `ServerResponse` and Express's response have it). */
export interface ResponseHeaders {
  setHeader(name: string, value: string): unknown;
}

/**
 * `POST /v1/sessions/:sessionId/messages` once the tenant is known and the body valid: the server
 * span (the response's `traceparent`), then `SessionMessagesService#accept`. Resolves with the task
 * id; rejects as `accept` does (the span records the error). The controller and the fast path
 * (`useFastPostMessage`) both answer through it.
 */
export async function postMessage(
  messages: SessionMessagesService,
  target: SessionTarget,
  body: PostMessageBody,
  idempotencyKey: string | undefined,
  req: IncomingMessage,
  res: ResponseHeaders,
): Promise<string> {
  const attributes = { 'warren.tenant': target.tenant, 'warren.session': target.sessionId };
  // The request observer's server span when there is one (it sets the response's traceparent and ends it).
  const request = requestSpanOf(req);
  if (request) {
    request.span.setAttributes(attributes);
    const taskId = await messages.accept(target, body, idempotencyKey, request.ctx);
    request.taskId = taskId;
    return taskId;
  }
  const span = startServerSpan(POST_MESSAGE_SPAN, req, attributes);
  if (span.traceparent) res.setHeader('traceparent', span.traceparent);
  try {
    const taskId = await messages.accept(target, body, idempotencyKey, span.ctx);
    span.span.setAttribute('warren.task', taskId);
    span.end();
    return taskId;
  } catch (err) {
    span.end(err);
    throw err;
  }
}
