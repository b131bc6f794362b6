import { toWireError } from '@warren/contracts';
import type { TaskStep, TaskToolCall } from '@warren/store';

/** A step's timing as kept in the turn's saved step results (plain JSON). */
export interface StepTiming {
  name: string;
  /** Epoch ms. */
  startedAt: number;
  durationMs: number;
  outcome: 'ok' | 'error' | 'skipped';
  error?: { code: string; message: string };
  /** A `tool` step's call. */
  tool?: TaskToolCall;
  /** What the step used (JSON data; the `retrieve` step: passage ids and scores). */
  details?: Record<string, unknown>;
}

/** Receives each step's duration (metrics). */
export type StepObserver = (name: string, ms: number) => void;

/**
 * Times the steps of one turn, in order, for the task record (`GET /v1/tasks/:id` shows them).
 * Timings of steps finished before a redelivery come back through `restore`.
 */
export class TurnSteps {
  private readonly timings: StepTiming[] = [];

  constructor(private readonly observe: StepObserver = () => undefined) {}

  async run<T>(name: string, work: () => Promise<T>): Promise<T> {
    const startedAt = Date.now();
    const t0 = performance.now();
    try {
      const result = await work();
      this.push({ name, startedAt, durationMs: performance.now() - t0, outcome: 'ok' });
      return result;
    } catch (error) {
      const wire = toWireError(error);
      this.push({
        name,
        startedAt,
        durationMs: performance.now() - t0,
        outcome: 'error',
        error: { code: wire.code, message: wire.message },
      });
      throw error;
    }
  }

  /** Records a step timed by its caller (a tool call, whose outcome is not a thrown error). */
  record(timing: StepTiming): void {
    this.push(timing);
  }

  /** Attaches what a recorded step used to its timing (the last one of that name). */
  annotate(name: string, details: Record<string, unknown>): void {
    for (let i = this.timings.length - 1; i >= 0; i--) {
      if (this.timings[i].name !== name) continue;
      this.timings[i].details = details;
      return;
    }
  }

  skip(name: string): void {
    this.timings.push({ name, startedAt: Date.now(), durationMs: 0, outcome: 'skipped' });
  }

  /** Timings recorded so far (copied into a step's saved result). */
  snapshot(): StepTiming[] {
    return [...this.timings];
  }

  /** Puts back the timings of steps that a redelivered turn does not run again. */
  restore(timings: readonly StepTiming[]): void {
    for (const t of timings) if (!this.timings.some((x) => x.name === t.name)) this.timings.push(t);
  }

  /** The task store's shape. */
  toTaskSteps(): TaskStep[] {
    return this.timings.map((t) => ({
      name: t.name,
      startedAt: new Date(t.startedAt),
      endedAt: new Date(t.startedAt + t.durationMs),
      durationMs: Math.round(t.durationMs * 1000) / 1000,
      outcome: t.outcome,
      ...(t.error ? { error: t.error } : {}),
      ...(t.tool ? { tool: t.tool } : {}),
      ...(t.details ? { details: t.details } : {}),
    }));
  }

  private push(t: StepTiming): void {
    this.timings.push(t);
    this.observe(t.name, t.durationMs);
  }
}
