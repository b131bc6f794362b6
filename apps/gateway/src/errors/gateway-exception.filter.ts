import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { WarrenError } from '@warren/contracts';
import { isChatCompletionsPath, isGatewayPath } from '../http/gateway-paths';
import { toOpenAiError } from '../openai/openai-error';
import { type ErrorAnswer, writeErrorAnswer } from './error-response';
import { toHttpError } from './http-error';

/**
 * Answers every error of a gateway request (`/v1/…`) as `{ error: { code, message, fields? } }`
 * with the status of its `WARREN_*` code (see `httpStatusOf`), and those of the OpenAI-compatible
 * route in OpenAI's shape (`toOpenAiError`). Registered app-wide (`APP_FILTER`) so that errors
 * raised before a controller runs (a body that is not JSON, too large or of another type, an
 * unknown `/v1` path) get the same body. Requests outside `/v1` keep Nest's default handling,
 * except a refused request body (`useJsonBodies` reads every body): a Warren client error is
 * answered with its 4xx there too, never as Nest's 500.
 */
@Catch()
export class GatewayExceptionFilter extends BaseExceptionFilter {
  private readonly log = new Logger('Gateway');

  override catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const url = http.getRequest<IncomingMessage>().url;
    if (host.getType() !== 'http' || (!isGatewayPath(url) && !isClientError(err))) {
      super.catch(err, host);
      return;
    }
    const answer: ErrorAnswer & { body: { error: { code: string; message: string } } } = isChatCompletionsPath(url)
      ? toOpenAiError(err)
      : toHttpError(err);
    // An outage (503, 504) is expected now and then: one line. Anything else is a bug: the stack.
    if (answer.status === 500 || answer.status === 501)
      this.log.error(`${answer.body.error.code}: ${err instanceof Error ? err.stack : String(err)}`);
    else if (answer.status >= 502) this.log.warn(`${answer.body.error.code}: ${answer.body.error.message}`);
    writeErrorAnswer(http.getResponse<ServerResponse>(), answer);
  }
}

/** A Warren error that is the caller's fault (4xx). */
function isClientError(err: unknown): boolean {
  if (!(err instanceof WarrenError)) return false;
  const status = toHttpError(err).status;
  return status >= 400 && status < 500;
}
