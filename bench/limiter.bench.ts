/**
 * Limiter ask latency added to a turn: what a session turn spends on its tenant's limiter, an
 * ask `LimiterAcquire` before the model and a tell `LimiterSettle` after it (as
 * apps/runtime/src/session/session-turn.ts does), against `limiter/<tenant>` hosted by a Warren
 * runtime over the real broker. Baseline in the same run and vhost: the same pattern (an ask and
 * a tell) to a no-op stateless entity actor, so the difference is the limiter's own work (bucket
 * arithmetic, validation, its reply), not the hops. Sequential, rounds interleaved (baseline,
 * limiter, …), best p50/p99 of each side. Run alone: `node dist/bench/limiter.bench.js`.
 */

import { performance } from 'node:perf_hooks';
import { Actor, Handle } from '@warren/actors';
import { LimiterAcquire, LimiterSettle, Message } from '@warren/contracts';
import { LimiterActor, resolveLimiterOptions } from '@warren/models';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { type BenchRow, percentile, QUICK, ROUNDS, startWarren, withVhost } from './support';

const COUNT = QUICK ? 500 : 3_000;
const WARMUP = QUICK ? 200 : 500;
const TENANTS = 8;

/** The no-op baseline's messages: the shape of an acquire and a settle, nothing done with them. */
@Message('bench.noop.acquire')
export class NoopAcquire {
  @IsInt() @Min(0) @Max(10_000_000) tokens!: number;
  @IsOptional() @IsString() @Length(1, 256) reservationId?: string;
}

@Message('bench.noop.settle')
export class NoopSettle {
  @IsInt() @Min(0) @Max(10_000_000) reserved!: number;
  @IsInt() @Min(0) @Max(10_000_000) used!: number;
  @IsOptional() @IsString() @Length(1, 256) reservationId?: string;
}

/** A stateless entity (as the limiter is) that answers at once and does nothing. */
@Actor('bench-noop', { stateless: true })
export class BenchNoop {
  @Handle(NoopAcquire)
  acquire(): { granted: true } {
    return { granted: true };
  }

  @Handle(NoopSettle)
  settle(): void {}
}

export interface Side {
  /** Acquire ask alone (ms). */
  askP50: number;
  askP99: number;
  /** The turn's whole limiter cost: ask + confirmed tell (ms). */
  turnP50: number;
  turnP99: number;
}

interface Pair {
  ask(i: number): Promise<unknown>;
  tell(i: number): Promise<unknown>;
}

async function measure(pair: Pair, offset: number): Promise<Side> {
  for (let i = 0; i < WARMUP; i++) {
    await pair.ask(offset + i);
    await pair.tell(offset + i);
  }
  const asks = new Float64Array(COUNT);
  const turns = new Float64Array(COUNT);
  for (let i = 0; i < COUNT; i++) {
    const t0 = performance.now();
    await pair.ask(offset + WARMUP + i);
    const t1 = performance.now();
    await pair.tell(offset + WARMUP + i);
    asks[i] = t1 - t0;
    turns[i] = performance.now() - t0;
  }
  asks.sort();
  turns.sort();
  return {
    askP50: percentile(asks, 0.5),
    askP99: percentile(asks, 0.99),
    turnP50: percentile(turns, 0.5),
    turnP99: percentile(turns, 0.99),
  };
}

const best = (sides: Side[]): Side => ({
  askP50: Math.min(...sides.map((s) => s.askP50)),
  askP99: Math.min(...sides.map((s) => s.askP99)),
  turnP50: Math.min(...sides.map((s) => s.turnP50)),
  turnP99: Math.min(...sides.map((s) => s.turnP99)),
});

export interface LimiterBenchResult {
  limiter: Side;
  noop: Side;
}

export async function runLimiterBench(): Promise<LimiterBenchResult> {
  return withVhost('limiter', async (v) => {
    // Limits far above the load: every acquire is granted (refusals are answered just as fast, but a turn then ends).
    const options = resolveLimiterOptions({ requestsPerMinute: 100_000_000, tokensPerMinute: 1_000_000_000 });
    const node = await startWarren(v.url, [{ instance: new LimiterActor(options) }, { instance: new BenchNoop() }], { label: 'limiter' });
    try {
      const id = (i: number) => `bench-task-${i}`;
      const limiter: Pair = {
        ask: (i) =>
          node.runtime
            .ref(`limiter/tenant-${i % TENANTS}`)
            .ask(Object.assign(new LimiterAcquire(), { tokens: 1200, reservationId: id(i) })),
        tell: (i) =>
          node.runtime
            .ref(`limiter/tenant-${i % TENANTS}`)
            .tell(Object.assign(new LimiterSettle(), { reserved: 1200, used: 900, reservationId: id(i) })),
      };
      const noop: Pair = {
        ask: (i) =>
          node.runtime
            .ref(`bench-noop/tenant-${i % TENANTS}`)
            .ask(Object.assign(new NoopAcquire(), { tokens: 1200, reservationId: id(i) })),
        tell: (i) =>
          node.runtime
            .ref(`bench-noop/tenant-${i % TENANTS}`)
            .tell(Object.assign(new NoopSettle(), { reserved: 1200, used: 900, reservationId: id(i) })),
      };
      const limiterRuns: Side[] = [];
      const noopRuns: Side[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        noopRuns.push(await measure(noop, round * 1_000_000));
        limiterRuns.push(await measure(limiter, round * 1_000_000 + 500_000));
      }
      return { limiter: best(limiterRuns), noop: best(noopRuns) };
    } finally {
      await node.stop();
    }
  });
}

export function limiterRows(r: LimiterBenchResult): BenchRow[] {
  const how =
    `${COUNT} sequential turns' limiter traffic after ${WARMUP} warm-up, best of ${ROUNDS} interleaved rounds per side, one in-process Warren runtime ` +
    `over the real broker hosting \`limiter/<tenant>\` (${TENANTS} tenants, limits never reached) and a no-op stateless entity \`bench-noop/<tenant>\` ` +
    '(baseline: same hops, same message shapes, nothing done). Per turn: `ask(LimiterAcquire)` then a confirmed `tell(LimiterSettle)`, as the session turn does.';
  const ratio = (a: number, b: number) => (b > 0 ? a / b : undefined);
  const addedP50 = r.limiter.turnP50 - r.noop.turnP50;
  return [
    {
      name: 'limiter acquire ask p50',
      unit: 'ms',
      warren: r.limiter.askP50,
      baseline: r.noop.askP50,
      ratio: ratio(r.limiter.askP50, r.noop.askP50),
      target: '≤ 1.2× no-op ask',
      met: r.limiter.askP50 <= 1.2 * r.noop.askP50,
      how,
    },
    {
      name: 'limiter acquire ask p99',
      unit: 'ms',
      warren: r.limiter.askP99,
      baseline: r.noop.askP99,
      ratio: ratio(r.limiter.askP99, r.noop.askP99),
      target: '≤ 1.5× no-op ask',
      met: r.limiter.askP99 <= 1.5 * r.noop.askP99,
      how: 'same run as the p50 line',
    },
    {
      name: 'limiter per turn (acquire + settle) p50',
      unit: 'ms',
      warren: r.limiter.turnP50,
      baseline: r.noop.turnP50,
      ratio: ratio(r.limiter.turnP50, r.noop.turnP50),
      target: '≤ 1.2× no-op',
      met: r.limiter.turnP50 <= 1.2 * r.noop.turnP50,
      how: `same run; the limiter's own work adds ${(addedP50 * 1000).toFixed(0)} µs at p50 over the no-op entity's ask + tell`,
    },
    {
      name: 'limiter per turn (acquire + settle) p99',
      unit: 'ms',
      warren: r.limiter.turnP99,
      baseline: r.noop.turnP99,
      ratio: ratio(r.limiter.turnP99, r.noop.turnP99),
      how: 'same run as the p50 line',
    },
  ];
}

export async function limiterBenchRows(): Promise<BenchRow[]> {
  return limiterRows(await runLimiterBench());
}

if (require.main === module) {
  runLimiterBench().then(
    (r) => {
      console.log(JSON.stringify(r));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
