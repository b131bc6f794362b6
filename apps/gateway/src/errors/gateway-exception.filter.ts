import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { writeErrorAnswer } from './error-response';
import { toHttpError } from './http-error';

/** The gateway's routes: everything under `/v1`. */
export function isGatewayPath(url: string | undefined): boolean {
  return url !== undefined && /^\/v1(?:[/?#]|$)/.test(url);
}

/**
 * Answers every error of a gateway request (`/v1/…`) as `{ error: { code, message, fields? } }`
 * with the status of its `WARREN_*` code (see `httpStatusOf`). Registered app-wide (`APP_FILTER`)
 * so that errors raised before a controller runs (a body that is not JSON, an unknown `/v1` path)
 * get the same body; requests outside `/v1` keep Nest's default handling.
 */
@Catch()
export class GatewayExceptionFilter extends BaseExceptionFilter {
  private readonly log = new Logger('Gateway');

  override catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    if (host.getType() !== 'http' || !isGatewayPath(http.getRequest<IncomingMessage>().url)) {
      super.catch(err, host);
      return;
    }
    const res = http.getResponse<ServerResponse>();
    const answer = toHttpError(err);
    // An outage (503, 504) is expected now and then: one line. Anything else is a bug: the stack.
    if (answer.status === 500 || answer.status === 501)
      this.log.error(`${answer.body.error.code}: ${err instanceof Error ? err.stack : String(err)}`);
    else if (answer.status >= 502) this.log.warn(`${answer.body.error.code}: ${answer.body.error.message}`);
    writeErrorAnswer(res, answer);
  }
}
