/**
 * The HTTP gateway under load (issue 5): autocannon (programmatic, in this process) against
 * `POST /v1/sessions/:sessionId/messages` of the all-in-one app in a child process (local model
 * at zero latency, limiter wide open), spread over 1,000 sessions. Every 202's task id is kept
 * and, after the run, followed on `warren.events` until its reply (or failed) event arrived:
 * accepted means a turn really ran. Run alone: `node dist/bench/gateway.bench.js`.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { CpuMeter, type CpuSplit, cpuPerTurn } from './cpu-meter';
import { QUICK, sleep, withVhost } from './support';
import { DEV_KEY, deadLetterCount, WarrenSystem } from './system';
import { TurnClient } from './turn-client';

export const SESSIONS = 1000;
export const CONNECTIONS = 50;
export const WARMUP_SECONDS = QUICK ? 1 : 2;
const SECONDS = QUICK ? 3 : 10;
const ALONE_SECONDS = QUICK ? 2 : 5;
/** The backlog of turns after the run may take this long to drain before the rest counts as lost. */
const DRAIN_TIMEOUT_MS = QUICK ? 60_000 : 150_000;
/** Drain also stops when no turn ended for this long. */
const STALL_MS = 20_000;

export interface GatewayRun {
  seconds: number;
  requests: number;
  accepted: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  acceptedPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** CPU while autocannon ran (the runtime was running turns meanwhile). */
  cpu: CpuSplit;
}

/** Diagnostic: the production topology, the gateway and the runtime as two processes on one vhost and data dir. */
export interface GatewaySplitRun {
  run: GatewayRun;
  /** CPU of the runtime process during the autocannon run (the gateway's is `run.cpu.warrenS`). */
  runtimeS: number;
  replies: number;
  failed: number;
  lost: number;
  drainSeconds: number;
  warnings: number;
}

export interface GatewayBenchResult {
  run: GatewayRun;
  /** Diagnostic: the gateway app alone (no runtime: the messages wait in the session shards). */
  alone?: GatewayRun;
  /** Diagnostic: gateway and runtime as two processes (production topology). */
  split?: GatewaySplitRun;
  /** Turns of the measured run's 202s that ended with a reply / a failed event / not at all. */
  replies: number;
  failed: number;
  lost: number;
  failedCodes: Record<string, number>;
  /** From the end of the autocannon run until the last of its turns ended (s). */
  drainSeconds: number;
  /** Turns ended per second from the start of the run to the end of the drain. */
  turnsPerSecond: number;
  /** Ended turns when autocannon stopped. */
  endedAtStop: number;
  cpuDrain: CpuSplit;
  deadLetters: number;
  warnings: number;
}

function toRun(result: autocannon.Result, cpu: CpuSplit): GatewayRun {
  return {
    seconds: result.duration,
    requests: result.requests.total,
    accepted: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    acceptedPerSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    cpu,
  };
}

/**
 * The HTTP path's own cost: `dist/apps/gateway` alone in a vhost of its own, no runtime, so no
 * turn competes for its event loop (the accepted messages wait in the session shard queues).
 */
async function gatewayAlone(): Promise<GatewayRun> {
  return withVhost('gateway-alone', async (vhost) => {
    const system = await WarrenSystem.start(vhost.url, {}, 'gateway');
    try {
      await cannon(system, WARMUP_SECONDS, 'ga', []);
      await sleep(500);
      const meter = new CpuMeter(system.pid);
      const result = await cannon(system, ALONE_SECONDS, 'ga', []);
      return toRun(result, meter.read());
    } finally {
      await system.stop();
    }
  });
}

/**
 * The production topology: `dist/apps/runtime` and `dist/apps/gateway` as two processes on one
 * vhost and one data dir (the runtime started first), the same autocannon load on the gateway for
 * ALONE_SECONDS; then every 202 followed to its end event, as in the main run.
 */
async function gatewaySplit(): Promise<GatewaySplitRun> {
  return withVhost('gateway-split', async (vhost) => {
    const dataDir = mkdtempSync(join(process.env.WARREN_BENCH_DIR ?? tmpdir(), 'warren-gateway-split-'));
    const env = { WARREN_DATA_DIR: dataDir };
    let runtime: WarrenSystem | undefined;
    let gateway: WarrenSystem | undefined;
    let client: TurnClient | undefined;
    try {
      runtime = await WarrenSystem.start(vhost.url, env, 'runtime');
      gateway = await WarrenSystem.start(vhost.url, env, 'gateway');
      client = await TurnClient.open(vhost.url);
      const warmIds: string[] = [];
      await cannon(gateway, WARMUP_SECONDS, 'gs', warmIds);
      await drain(client, warmIds);
      await sleep(500);
      const taskIds: string[] = [];
      const meter = new CpuMeter(gateway.pid);
      const runtimeMeter = new CpuMeter(runtime.pid);
      const result = await cannon(gateway, ALONE_SECONDS, 'gs', taskIds);
      const stoppedAt = performance.now();
      const cpu = meter.read();
      const runtimeS = runtimeMeter.read().warrenS;
      const lastAt = await drain(client, taskIds);
      let replies = 0;
      let failed = 0;
      for (const id of taskIds) {
        const end = client.ended.get(id);
        if (end?.kind === 'reply') replies++;
        else if (end) failed++;
      }
      return {
        run: toRun(result, cpu),
        runtimeS,
        replies,
        failed,
        lost: taskIds.length - replies - failed,
        drainSeconds: Math.max(0, (lastAt - stoppedAt) / 1000),
        warnings: gateway.warnings + runtime.warnings,
      };
    } finally {
      await client?.close();
      await gateway?.stop();
      await runtime?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

async function cannon(system: WarrenSystem, seconds: number, prefix: string, taskIds: string[]): Promise<autocannon.Result> {
  let next = 0;
  const instance = autocannon({
    url: system.httpUrl,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: `/v1/sessions/${prefix}-0/messages`,
        headers: { authorization: `Bearer ${DEV_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'hello' }),
        setupRequest: (req) => {
          const i = next++;
          return { ...req, path: `/v1/sessions/${prefix}-${(i * 919) % SESSIONS}/messages` };
        },
        onResponse: (status, body) => {
          if (status === 202) taskIds.push((JSON.parse(body) as { taskId: string }).taskId);
        },
      },
    ],
  });
  return instance;
}

/** Waits until every task id has ended on `warren.events`, or the timeout/stall; resolves with when the last one ended. */
async function drain(client: TurnClient, taskIds: string[]): Promise<number> {
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  let lastCount = -1;
  let lastProgress = performance.now();
  for (;;) {
    let ended = 0;
    let lastAt = 0;
    for (const id of taskIds) {
      const end = client.ended.get(id);
      if (end) {
        ended++;
        lastAt = Math.max(lastAt, end.at);
      }
    }
    if (ended === taskIds.length) return lastAt;
    if (ended !== lastCount) {
      lastCount = ended;
      lastProgress = performance.now();
    }
    const now = performance.now();
    if (now > deadline || now - lastProgress > STALL_MS) return lastAt;
    await sleep(100);
  }
}

export async function runGatewayBench(): Promise<GatewayBenchResult> {
  const result = await withVhost('gateway', async (vhost): Promise<GatewayBenchResult> => {
    const system = await WarrenSystem.start(vhost.url);
    const client = await TurnClient.open(vhost.url);
    try {
      const warmIds: string[] = [];
      await cannon(system, WARMUP_SECONDS, 'gw', warmIds);
      await drain(client, warmIds);
      await sleep(500);
      const taskIds: string[] = [];
      const meter = new CpuMeter(system.pid);
      const t0 = performance.now();
      const result = await cannon(system, SECONDS, 'gw', taskIds);
      const stoppedAt = performance.now();
      const cpu = meter.read();
      const endedAtStop = taskIds.filter((id) => client.ended.has(id)).length;
      const drainMeter = new CpuMeter(system.pid);
      const lastAt = await drain(client, taskIds);
      const cpuDrain = drainMeter.read();
      let replies = 0;
      let failed = 0;
      const failedCodes: Record<string, number> = {};
      for (const id of taskIds) {
        const end = client.ended.get(id);
        if (end?.kind === 'reply') replies++;
        else if (end) {
          failed++;
          const code = end.code ?? end.kind;
          failedCodes[code] = (failedCodes[code] ?? 0) + 1;
        }
      }
      const lost = taskIds.length - replies - failed;
      const run = toRun(result, cpu);
      process.stderr.write(
        `\n  gateway: ${Math.round(run.acceptedPerSecond)} accepted/s, p50 ${run.p50} p99 ${run.p99} ms, non-2xx ${run.non2xx}, ` +
          `errors ${run.errors}; turns: ${replies} replies, ${failed} failed, ${lost} lost, drained ${((lastAt - stoppedAt) / 1000).toFixed(1)} s after the run\n`,
      );
      return {
        run,
        replies,
        failed,
        lost,
        failedCodes,
        drainSeconds: Math.max(0, (lastAt - stoppedAt) / 1000),
        turnsPerSecond: ((replies + failed) / (lastAt - t0)) * 1000,
        endedAtStop,
        cpuDrain,
        deadLetters: deadLetterCount(vhost.name),
        warnings: system.warnings,
      };
    } finally {
      await client.close();
      await system.stop();
    }
  });
  result.alone = await gatewayAlone();
  const a = result.alone;
  process.stderr.write(
    `  gateway alone (no runtime): ${Math.round(a.acceptedPerSecond)} accepted/s, p50 ${a.p50} p99 ${a.p99} ms, non-2xx ${a.non2xx}; ` +
      `${cpuPerTurn(a.cpu, Math.max(1, a.accepted)).replace('per turn', 'per POST')}\n`,
  );
  result.split = await gatewaySplit();
  const sp = result.split;
  process.stderr.write(
    `  gateway + runtime, two processes: ${Math.round(sp.run.acceptedPerSecond)} accepted/s, p50 ${sp.run.p50} p99 ${sp.run.p99} ms, ` +
      `non-2xx ${sp.run.non2xx}; turns: ${sp.replies} replies, ${sp.failed} failed, ${sp.lost} lost; ` +
      `${cpuPerTurn(sp.run.cpu, Math.max(1, sp.run.accepted)).replace('per turn', 'per POST').replace('Warren', 'gateway')}, ` +
      `runtime ${Math.round((sp.runtimeS * 1e6) / Math.max(1, sp.run.accepted))} µs\n`,
  );
  return result;
}

if (require.main === module) {
  runGatewayBench().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
