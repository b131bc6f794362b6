import type { ServerResponse } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { toHttpError } from './http-error';

/**
 * Answers every error of the gateway's routes as `{ error: { code, message, fields? } }` with
 * the status of its `WARREN_*` code (see `httpStatusOf`). Scoped to the gateway's controllers,
 * so the other routes of an all-in-one app keep their own error bodies.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('Gateway');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<ServerResponse>();
    const answer = toHttpError(err);
    if (answer.status >= 500) this.log.error(`${answer.body.error.code}: ${err instanceof Error ? err.stack : String(err)}`);
    if (res.headersSent) {
      // A stream (SSE) had started: all that is left is to end it.
      res.end();
      return;
    }
    res.statusCode = answer.status;
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(answer.body));
  }
}
