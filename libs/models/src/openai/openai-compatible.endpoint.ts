import { ModelUnavailableError } from '../errors/model.errors';
import type { Completion, CompletionRequest, ModelEndpoint } from '../model-endpoint.port';
import { type OpenAiEndpointOptions, resolveOpenAiEndpointOptions } from './openai-endpoint-options';

/** An OpenAI-compatible chat completions endpoint (streaming SSE). Work in progress: the HTTP call comes next. */
export class OpenAiCompatibleEndpoint implements ModelEndpoint {
  readonly name: string;
  readonly contextWindow: number;
  readonly options: Readonly<OpenAiEndpointOptions>;

  constructor(options: Partial<OpenAiEndpointOptions>, path = 'openai endpoint') {
    this.options = Object.freeze(resolveOpenAiEndpointOptions(options, path));
    this.name = this.options.name;
    this.contextWindow = this.options.contextWindow;
  }

  /** Maximum concurrent calls (the worker pool's prefetch). */
  get maxConcurrency(): number {
    return this.options.maxConcurrency;
  }

  complete(_request: CompletionRequest, _signal: AbortSignal): Completion {
    const error = new ModelUnavailableError(this.name, 'not implemented yet');
    const result = Promise.reject(error);
    result.catch(() => undefined);
    return {
      deltas: (async function* () {
        yield* [];
        throw error;
      })(),
      result,
    };
  }
}
