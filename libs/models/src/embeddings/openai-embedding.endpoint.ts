import { CancelledError } from '@warren/contracts';
import type OpenAI from 'openai';
import { ModelUnavailableError } from '../errors/model.errors';
import { openAiClient, openAiFailureOf } from '../openai/openai-failure';
import { CallTimer } from '../providers/call-timer';
import { ConcurrencyGate } from '../providers/concurrency-gate';
import { modelErrorOf } from '../providers/provider-failure';
import type { EmbeddingEndpoint, EmbeddingRequest, Embeddings } from './embedding-endpoint.port';
import type { OpenAiEmbeddingOptions } from './embedding-options';

/**
 * An embedding endpoint speaking OpenAI's `POST <baseUrl>/embeddings` (OpenAI, Azure OpenAI's v1
 * API, vLLM, Ollama, LM Studio, LiteLLM …) through the official `openai` SDK, floats requested.
 * Warren's parts as for completions: `maxConcurrency` calls at once (more wait up to `timeoutMs`),
 * `timeoutMs` for the whole call, cancellation, and errors classified into Warren's classes.
 */
export class OpenAiEmbeddingEndpoint implements EmbeddingEndpoint {
  readonly name: string;
  readonly dimensions: number | undefined;
  private readonly client: OpenAI;
  private readonly gate: ConcurrencyGate;

  constructor(readonly options: Readonly<OpenAiEmbeddingOptions>) {
    this.name = options.name;
    this.dimensions = options.dimensions;
    this.gate = new ConcurrencyGate(options.maxConcurrency);
    this.client = openAiClient({ ...options, timeoutMs: options.timeoutMs + 1000 });
  }

  async embed(request: EmbeddingRequest, signal: AbortSignal): Promise<Embeddings> {
    const slot = await this.gate.acquire(this.options.timeoutMs, signal);
    if (slot === 'aborted') throw new CancelledError('embedding cancelled');
    if (slot === 'timeout')
      throw new ModelUnavailableError(
        this.name,
        `all ${this.options.maxConcurrency} concurrent calls stayed busy for ${this.options.timeoutMs} ms (maxConcurrency)`,
      );
    const timer = new CallTimer(signal);
    timer.arm(this.options.timeoutMs, 'first-byte');
    try {
      const dimensions = request.dimensions ?? this.options.dimensions;
      const res = await this.client.embeddings.create(
        {
          model: this.options.model,
          input: [...request.input],
          encoding_format: 'float',
          ...(dimensions === undefined ? {} : { dimensions }),
        },
        { signal: timer.signal },
      );
      const vectors = new Array<number[]>(request.input.length);
      for (const item of res.data) vectors[item.index] = item.embedding;
      if (vectors.some((v) => !Array.isArray(v)) || res.data.length !== request.input.length)
        throw new ModelUnavailableError(this.name, `answered ${res.data.length} vectors for ${request.input.length} texts`);
      return { vectors, ...(typeof res.usage?.prompt_tokens === 'number' ? { promptTokens: res.usage.prompt_tokens } : {}) };
    } catch (error) {
      if (signal.aborted) throw new CancelledError('embedding cancelled');
      if (timer.expired) throw new ModelUnavailableError(this.name, `no response within ${this.options.timeoutMs} ms (timeoutMs)`);
      if (error instanceof ModelUnavailableError) throw error;
      const ctx = { endpoint: this.name, promptTokens: 0, contextWindow: Number.MAX_SAFE_INTEGER };
      throw modelErrorOf(ctx, openAiFailureOf(error), this.options.timeoutMs);
    } finally {
      timer.dispose();
      this.gate.release();
    }
  }
}
