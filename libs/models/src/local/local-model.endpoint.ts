import { pause, toCompletion } from '../completion-stream';
import { ContextTooLongError, ModelUnavailableError } from '../errors/model.errors';
import type { Completion, CompletionRequest, CompletionResult, ModelEndpoint } from '../model-endpoint.port';
import { estimatePromptTokens, tokensForWords } from '../token-estimate';
import { type LocalModelOptions, resolveLocalModelOptions } from './local-model-options';
import { localReply } from './local-responder';
import { localToolStep } from './local-tools';

/**
 * The built-in model: deterministic, no network. Answers with `localReply` (a small rule
 * responder) or a scripted reply (`replies`), streamed word by word after `latencyMs`, one delta every `perDeltaMs`.
 * Usage is estimated (words × 1.3). `maxTokens` and the room left in the context window
 * cut the reply short with `finishReason: 'length'`; a prompt larger than the window fails
 * with `ContextTooLongError`; `failureRate` injects retryable `ModelUnavailableError`s.
 * An aborted signal ends the stream before the next delta (`finishReason: 'cancelled'`).
 * With `tools` rules it asks for a tool (`finishReason: 'tool_calls'`, no text) and answers from
 * the tool's result once it is in the prompt (see `localToolStep`).
 */
export class LocalModel implements ModelEndpoint {
  readonly name: string;
  readonly contextWindow: number;
  readonly options: Readonly<LocalModelOptions>;
  private readonly random: () => number;
  private readonly script: readonly { when: RegExp; say: string }[];

  constructor(options: Partial<LocalModelOptions> = {}) {
    this.options = Object.freeze(resolveLocalModelOptions(options));
    this.name = this.options.name;
    this.contextWindow = this.options.contextWindow;
    this.random = mulberry32(this.options.seed);
    this.script = this.options.replies.map((r) => ({ when: new RegExp(r.when, 'iu'), say: r.say }));
  }

  /** The answer to `request`: the first scripted reply whose `when` matches the last user message, else `localReply`. */
  reply(request: CompletionRequest): string {
    const step = localToolStep(this.options.tools, request);
    if (step?.kind === 'answer') return step.text;
    if (this.script.length > 0) {
      const last = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      const scripted = this.script.find((r) => r.when.test(last));
      if (scripted) return scripted.say;
    }
    return localReply(request);
  }

  complete(request: CompletionRequest, signal: AbortSignal): Completion {
    // One draw per call, at call time: the n-th call of a model with a given seed always fares the same.
    const fails = this.random() < this.options.failureRate;
    const usage = { promptTokens: estimatePromptTokens(request), completionTokens: 0 };
    return toCompletion(this.stream(request, signal, fails, usage), () => this.end(usage, 'cancelled'));
  }

  private async *stream(
    request: CompletionRequest,
    signal: AbortSignal,
    fails: boolean,
    usage: { promptTokens: number; completionTokens: number },
  ): AsyncGenerator<string, CompletionResult, undefined> {
    if (usage.promptTokens > this.contextWindow) throw new ContextTooLongError(this.name, usage.promptTokens, this.contextWindow);
    if (!(await pause(this.options.latencyMs, signal))) return this.end(usage, 'cancelled');
    if (fails) throw new ModelUnavailableError(this.name, `simulated failure (failureRate ${this.options.failureRate})`);
    const step = localToolStep(this.options.tools, request);
    if (step?.kind === 'call') {
      usage.completionTokens = tokensForWords(step.call.arguments.split(/\s+/u).length + 1);
      return { ...this.end(usage, 'tool_calls'), toolCalls: [step.call] };
    }
    const limit = Math.min(request.maxTokens ?? Number.POSITIVE_INFINITY, this.contextWindow - usage.promptTokens);
    const words = this.reply(request).split(' ');
    for (let i = 0; i < words.length; i++) {
      if (i > 0 && !(await pause(this.options.perDeltaMs, signal))) return this.end(usage, 'cancelled');
      if (signal.aborted) return this.end(usage, 'cancelled');
      const tokens = tokensForWords(i + 1);
      if (tokens > limit) return this.end(usage, 'length');
      usage.completionTokens = tokens;
      yield i === 0 ? (words[i] as string) : ` ${words[i]}`;
    }
    return this.end(usage, 'stop');
  }

  private end(usage: { promptTokens: number; completionTokens: number }, finishReason: CompletionResult['finishReason']): CompletionResult {
    return { model: this.name, usage: { ...usage }, finishReason };
  }
}

/** A small, fast, seeded PRNG (Mulberry32): the same seed gives the same sequence in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
