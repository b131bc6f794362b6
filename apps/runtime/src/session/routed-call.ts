import type { ActorContext } from '@warren/actors';
import { type ChatMessage, ModelComplete, type ModelCompletionEnd, type ModelDelta } from '@warren/contracts';
import {
  type EndpointHealth,
  type EnsembleAnswer,
  errorCode,
  FallbackChain,
  fallbacksExhausted,
  fallsThrough,
  judgedAnswer,
  judgePrompt,
  pickAnswer,
  type RoutingAttempt,
  type RoutingDecision,
  type RoutingPlan,
} from '@warren/models';

/** The decision journal of a turn: the router's decision and every call made (the task's `routing`). */
export interface RoutingJournal extends RoutingDecision {
  attempts: RoutingAttempt[];
  /** Streams continued by another endpoint after a failure (each also a `switched` event). */
  switches: SwitchedData[];
  /** The endpoint whose answer the user got. */
  endpoint?: string;
  /** How an ensemble's answer was picked. */
  picked?: { endpoint: string; why: string };
}

/** `data` of a `session.<id>.switched` event (with the turn's `taskId`). */
export interface SwitchedData {
  from: string;
  to: string;
  /** The error code of the failed endpoint. */
  reason: string;
  /** Characters of the answer the user had already been sent. */
  sentChars: number;
}

/** Where a routed call's text goes (the turn's moderated delta stream). */
export interface CallSink {
  /** A part of the answer; false when nothing more should be read (output moderation blocked). */
  push(text: string): boolean;
  /** Characters the user has been sent so far. */
  sentChars(): number;
  /** A broken stream goes on with another endpoint: announce it (the `switched` event). */
  switched(data: SwitchedData): Promise<void>;
}

export interface RoutedCallOptions {
  timeoutMs: number;
  health?: EndpointHealth;
  contextWindows: Readonly<Record<string, number>>;
  continueStreams: boolean;
  continueInstruction: string;
}

/** What a routed call ends with. */
export interface RoutedCallResult {
  endpoint: string;
  end: ModelCompletionEnd;
  journal: RoutingJournal;
}

/**
 * Runs a turn's model call along its routing plan: an ensemble first when the plan has one, then
 * the chain. A retryable error or a timeout goes to the next endpoint, `WARREN_CONTEXT_TOO_LONG`
 * to a larger one. A stream that breaks after text was received is continued by the next endpoint
 * (the partial answer as an assistant message, then `continueInstruction`), announced through
 * `sink.switched`; it never ends silently truncated: when no endpoint can continue, the call
 * fails with a non-retryable `WARREN_FALLBACKS_EXHAUSTED`. Each call's outcome goes to the node's
 * health tracker. The journal of a failed call is on the error (`routingJournalOf`).
 */
export async function routedCall(
  ctx: ActorContext,
  plan: RoutingPlan,
  request: ModelComplete,
  sink: CallSink,
  options: RoutedCallOptions,
): Promise<RoutedCallResult> {
  const journal: RoutingJournal = { ...plan.decision, attempts: [], switches: [] };
  const chain = new FallbackChain(plan.chain, options.contextWindows);
  let lastError: unknown;
  if (plan.ensemble) {
    const done = await ensemble(ctx, plan.ensemble, request, options, journal);
    if (done) {
      sink.push(done.text);
      journal.endpoint = done.endpoint;
      return { endpoint: done.endpoint, end: done.end, journal };
    }
    const last = journal.attempts.at(-1);
    lastError = Object.assign(new Error(last?.message ?? `no ensemble member answered within ${plan.ensemble.deadlineMs} ms`), {
      code: last?.code ?? 'WARREN_ASK_TIMEOUT',
    });
  }
  let endpoint = plan.chain[0];
  let why: string = plan.ensemble ? 'fallback' : 'chosen';
  let raw = '';
  while (endpoint !== undefined) {
    chain.use(endpoint);
    const started = performance.now();
    const continuing = raw.length > 0;
    const call = continuing ? continuation(request, raw, options.continueInstruction) : request;
    options.health?.recordStart(endpoint);
    let firstAt: number | undefined;
    try {
      const parts = ctx.askStream<ModelDelta, ModelCompletionEnd>(`model/${endpoint}`, call, { timeoutMs: options.timeoutMs });
      let end: ModelCompletionEnd | undefined;
      let first = true;
      for (;;) {
        const next = await parts.next();
        if (next.done) {
          end = next.value;
          break;
        }
        firstAt ??= performance.now();
        let text = next.value.text;
        if (first && continuing && needsSpace(raw, text)) text = ` ${text}`;
        first = false;
        raw += text;
        if (!sink.push(text)) {
          await parts.return(undefined); // stop reading; the worker's stream ends on its own
          break;
        }
      }
      const result = end ?? { model: endpoint, usage: { promptTokens: 0, completionTokens: 0 }, finishReason: 'stop' as const };
      if (result.finishReason === 'cancelled') options.health?.recordCancelled(endpoint);
      else options.health?.recordSuccess(endpoint, (firstAt ?? performance.now()) - started);
      journal.attempts.push({ endpoint, outcome: result.finishReason === 'cancelled' ? 'cancelled' : 'ok', why, ms: elapsed(started) });
      journal.endpoint = endpoint;
      return { endpoint, end: result, journal };
    } catch (error) {
      const code = errorCode(error) ?? 'WARREN_INTERNAL';
      if (ctx.signal.aborted) {
        options.health?.recordCancelled(endpoint);
        journal.attempts.push({ endpoint, outcome: 'cancelled', why, ms: elapsed(started) });
        throw withJournal(error, journal);
      }
      options.health?.recordFailure(endpoint, error);
      const sentChars = sink.sentChars();
      journal.attempts.push({ endpoint, outcome: 'failed', code, message: messageOf(error), sentChars, why, ms: elapsed(started) });
      lastError = error;
      const next = chain.next(endpoint, error);
      if (next === undefined || (raw.length > 0 && !options.continueStreams)) {
        const tried = journal.attempts.map((a) => a.endpoint);
        // One endpoint and nothing sent: its own error, as before routing (retryable ones are retried in place).
        if (raw.length === 0 && tried.length === 1) throw withJournal(error, journal);
        throw withJournal(fallbacksExhausted(tried, code, messageOf(error), raw.length === 0 && fallsThrough(error)), journal);
      }
      if (raw.length > 0) {
        const data = { from: endpoint, to: next.endpoint, reason: code, sentChars };
        journal.switches.push(data);
        await sink.switched(data);
        why = 'continuation';
      } else why = next.why;
      endpoint = next.endpoint;
    }
  }
  throw withJournal(
    fallbacksExhausted(
      journal.attempts.map((a) => a.endpoint),
      errorCode(lastError),
      messageOf(lastError),
      raw.length === 0 && fallsThrough(lastError), // only after an ensemble with no fallbacks: nothing was sent
    ),
    journal,
  );
}

/** The request that asks an endpoint to continue a partial answer. */
export function continuation(request: ModelComplete, partial: string, instruction: string): ModelComplete {
  const messages: ChatMessage[] = [
    ...request.messages,
    { role: 'assistant', content: partial } as ChatMessage,
    { role: 'user', content: instruction } as ChatMessage,
  ];
  return Object.assign(new ModelComplete(), { ...request, messages });
}

interface EnsembleDone {
  endpoint: string;
  text: string;
  end: ModelCompletionEnd;
}

/**
 * Asks every member at once (not streamed to the user), waits for the first answer (`first`) or
 * for all of them up to the deadline, and picks; a judge is asked with the answers in by then
 * (its failure falls back to the first answer). Undefined when no member answered in time.
 */
async function ensemble(
  ctx: ActorContext,
  plan: NonNullable<RoutingPlan['ensemble']>,
  request: ModelComplete,
  options: RoutedCallOptions,
  journal: RoutingJournal,
): Promise<EnsembleDone | undefined> {
  const t0 = performance.now();
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  const answers: (EnsembleAnswer & { end: ModelCompletionEnd })[] = [];
  let settleFirst: (() => void) | undefined;
  const firstIn = new Promise<void>((resolve) => {
    settleFirst = resolve;
  });
  const calls = plan.endpoints.map(async (endpoint) => {
    const r = await collect(ctx, endpoint, request, { timeoutMs: Math.min(options.timeoutMs, plan.deadlineMs), signal }, options.health);
    if (r.ok) {
      answers.push({ endpoint, text: r.text, ms: elapsed(t0), end: r.end });
      journal.attempts.push({ endpoint, outcome: 'ok', why: 'ensemble', ms: elapsed(t0) });
      settleFirst?.();
    } else
      journal.attempts.push({
        endpoint,
        outcome: r.cancelled ? 'cancelled' : 'failed',
        ...(r.cancelled ? {} : { code: r.code, message: r.message }),
        why: 'ensemble',
        ms: elapsed(t0),
      });
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, plan.deadlineMs);
  });
  const all = Promise.allSettled(calls).then(() => undefined);
  await Promise.race([plan.pick === 'first' ? Promise.race([firstIn, all]) : all, deadline]);
  clearTimeout(timer);
  const inTime = [...answers];
  stop.abort('ensemble decided'); // the others are no longer needed
  if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error(String(ctx.signal.reason));
  if (inTime.length === 0) return undefined;
  let chosen: { answer: EnsembleAnswer; why: string } | undefined;
  if (plan.pick === 'judge' && plan.judge) {
    const question = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const asked = Object.assign(new ModelComplete(), { messages: judgePrompt(question, inTime), maxTokens: 16 });
    const verdict = await collect(ctx, plan.judge, asked, { timeoutMs: options.timeoutMs, signal: ctx.signal }, options.health);
    journal.attempts.push({
      endpoint: plan.judge,
      outcome: verdict.ok ? 'ok' : 'failed',
      ...(verdict.ok ? {} : { code: verdict.code }),
      why: 'judge',
      ms: elapsed(t0),
    });
    const named = verdict.ok ? judgedAnswer(verdict.text, inTime) : undefined;
    chosen = named ? { answer: named, why: `judged by ${plan.judge}` } : pickAnswer('first', inTime);
    if (!named && chosen) chosen = { ...chosen, why: `judge ${plan.judge} gave no answer number: first to answer` };
  } else chosen = pickAnswer(plan.pick === 'judge' ? 'first' : plan.pick, inTime);
  if (!chosen) return undefined;
  const picked = inTime.find((a) => a === chosen.answer) ?? inTime[0];
  if (!picked) return undefined;
  journal.picked = { endpoint: picked.endpoint, why: chosen.why };
  const usage = inTime.reduce(
    (u, a) => ({
      promptTokens: u.promptTokens + a.end.usage.promptTokens,
      completionTokens: u.completionTokens + a.end.usage.completionTokens,
    }),
    { promptTokens: 0, completionTokens: 0 },
  );
  return { endpoint: picked.endpoint, text: picked.text, end: { ...picked.end, usage } };
}

type Collected = { ok: true; text: string; end: ModelCompletionEnd } | { ok: false; cancelled: boolean; code: string; message: string };

/** One whole (not streamed) completion, recorded in the health tracker. */
async function collect(
  ctx: ActorContext,
  endpoint: string,
  request: ModelComplete,
  call: { timeoutMs: number; signal: AbortSignal },
  health?: EndpointHealth,
): Promise<Collected> {
  const started = performance.now();
  let firstAt: number | undefined;
  let text = '';
  health?.recordStart(endpoint);
  try {
    const parts = ctx.askStream<ModelDelta, ModelCompletionEnd>(`model/${endpoint}`, request, call);
    for (;;) {
      const next = await parts.next();
      if (next.done) {
        const end = next.value ?? { model: endpoint, usage: { promptTokens: 0, completionTokens: 0 }, finishReason: 'stop' as const };
        health?.recordSuccess(endpoint, (firstAt ?? performance.now()) - started);
        return { ok: true, text, end };
      }
      firstAt ??= performance.now();
      text += next.value.text;
    }
  } catch (error) {
    if (call.signal.aborted) {
      health?.recordCancelled(endpoint);
      return { ok: false, cancelled: true, code: errorCode(error) ?? 'WARREN_CANCELLED', message: messageOf(error) };
    }
    health?.recordFailure(endpoint, error);
    return { ok: false, cancelled: false, code: errorCode(error) ?? 'WARREN_INTERNAL', message: messageOf(error) };
  }
}

const JOURNAL = Symbol('warren:routing-journal');

/** The journal a failed routed call carried on its error. */
export function routingJournalOf(error: unknown): RoutingJournal | undefined {
  return (error as { [JOURNAL]?: RoutingJournal } | null)?.[JOURNAL];
}

function withJournal(error: unknown, journal: RoutingJournal): unknown {
  if (error !== null && typeof error === 'object') Object.defineProperty(error, JOURNAL, { value: journal, configurable: true });
  return error;
}

function needsSpace(before: string, next: string): boolean {
  return before.length > 0 && next.length > 0 && !/\s$/u.test(before) && !/^[\s.,;:!?]/u.test(next);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}
