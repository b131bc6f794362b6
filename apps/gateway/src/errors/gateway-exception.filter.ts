import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { isGatewayPath, isOpenAiPath } from '../http/gateway-paths';
import { toOpenAiError } from '../openai/openai-error';
import { type ErrorAnswer, writeErrorAnswer } from './error-response';
import { hasDeliberateBody, toHttpError } from './http-error';
import { PROBLEM_JSON, toProblemDetails } from './problem-details';

/**
 * Answers every error of an HTTP request to the gateway: on the OpenAI-compatible routes (see
 * `isOpenAiPath`: `/v1/chat/completions`, `/v1/models`, `/v1/embeddings`, unknown `/v1` paths) in
 * OpenAI's shape (`toOpenAiError`), everywhere else as RFC 9457 problem details
 * (`application/problem+json`: `type`, `title`, `status`, `detail`, `instance`, and the extension
 * members `code`, a `WARREN_*` code, and `fields`) with the status of the code (`httpStatusOf`).
 * Registered app-wide (`APP_FILTER`) so that errors raised before a controller runs (a body that is
 * not JSON, too large or of another type, an unknown path) get the same answer. Requests of
 * another transport, and a body a route outside `/v1` chose itself (`/ready`'s 503 with the
 * broker's and the store's state), keep Nest's handling.
 */
@Catch()
export class GatewayExceptionFilter extends BaseExceptionFilter {
  private readonly log = new Logger('Gateway');

  override catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const url = host.getType() === 'http' ? http.getRequest<IncomingMessage>().url : undefined;
    // Another transport, or a route's own error body outside /v1 (`/ready`'s readiness): Nest answers as usual.
    if (host.getType() !== 'http' || (!isGatewayPath(url) && hasDeliberateBody(err))) {
      super.catch(err, host);
      return;
    }
    let answer: ErrorAnswer;
    let code: string;
    let message: string;
    if (isOpenAiPath(url)) {
      const openAi = toOpenAiError(err);
      ({ code, message } = openAi.body.error);
      answer = openAi;
    } else {
      const error = toHttpError(err);
      ({ code, message } = error);
      answer = { status: error.status, headers: error.headers, body: toProblemDetails(error, pathOf(url)), contentType: PROBLEM_JSON };
    }
    // An outage (503, 504) is expected now and then: one line. Anything else is a bug: the stack.
    if (answer.status === 500 || answer.status === 501) this.log.error(`${code}: ${err instanceof Error ? err.stack : String(err)}`);
    else if (answer.status >= 502) this.log.warn(`${code}: ${message}`);
    writeErrorAnswer(http.getResponse<ServerResponse>(), answer);
  }
}

/** The path of a request URL, without its query. */
function pathOf(url: string | undefined): string | undefined {
  return url?.split(/[?#]/, 1)[0];
}
