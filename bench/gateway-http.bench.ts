/**
 * The gateway's HTTP path against its floor (issue 17, HTTP item): `POST /v1/sessions/:id/messages`
 * answered by `dist/apps/gateway` alone (no runtime: the accepted messages wait in the session
 * shards, no turn shares the event loop) and by bench/http-floor.ts (node:http, a task insert, one
 * confirmed quorum publish: what any HTTP front must do), each in a vhost of its own, started fresh
 * per round, rounds interleaved (floor, gateway, floor, gateway…) so a disturbance of the shared
 * machine hits both. `GATEWAY_HTTP_VARIANTS` adds gateways started with other environments (a
 * `name=ENV=value` list separated by `;`), measured in the same rounds.
 *
 * Per side and round: a warm-up (closed loop), sequential POSTs on one keep-alive connection (sub-ms
 * latency), a closed loop of 50 connections (autocannon: accepted/s, CPU per POST of the server and
 * the broker), and open loops at fixed rates (latency from each request's scheduled time, so a
 * stalled server is not flattered). Each side keeps its best round per figure.
 * Run alone: `node dist/bench/gateway-http.bench.js`.
 */

import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { CpuMeter, type CpuSplit } from './cpu-meter';
import { type BenchRow, percentile, QUICK, ROUNDS, sleep, withVhost } from './support';
import { DEV_KEY, WarrenSystem } from './system';

const CONNECTIONS = 50;
const WARMUP_SECONDS = QUICK ? 1 : 2;
const CLOSED_SECONDS = QUICK ? 2 : 5;
const SEQUENTIAL = QUICK ? 100 : 400;
/** Open-loop rates (POSTs/s), each for OPEN_SECONDS. */
const RATES = QUICK ? [200] : [250, 500, 1000];
const OPEN_SECONDS = QUICK ? 2 : 4;
const SESSIONS = 1000;
const BODY = Buffer.from(JSON.stringify({ text: 'hello' }));

/** Latency and CPU of one phase. */
export interface PhaseResult {
  sent: number;
  accepted: number;
  failed: number;
  p50: number;
  p99: number;
  /** µs of CPU per accepted POST: the server process, the broker. */
  serverUs: number;
  brokerUs: number;
}

export interface ClosedResult extends PhaseResult {
  perSecond: number;
}

export interface SideResult {
  name: string;
  sequential: PhaseResult;
  closed: ClosedResult;
  open: (PhaseResult & { rate: number })[];
  warnings: number;
}

export interface GatewayHttpResult {
  floor: SideResult;
  gateway: SideResult;
  /** The gateway with `gateway.fastPostMessage: false` (Nest's controller answers). */
  controller: SideResult;
  /** Gateways started with other environments (GATEWAY_HTTP_VARIANTS). */
  variants: SideResult[];
  rounds: number;
}

interface Side {
  name: string;
  start(url: string): Promise<WarrenSystem>;
}

const FLOOR: Side = {
  name: 'floor',
  start: (url) => WarrenSystem.start(url, {}, { script: join(__dirname, 'http-floor.js') }),
};

function gatewaySide(name: string, env: Record<string, string> = {}): Side {
  const { SCRIPT: script, CWD: cwd, ...rest } = env;
  return { name, start: (url) => WarrenSystem.start(url, rest, script ? { script, cwd } : 'gateway') };
}

/** The same gateway with `gateway.fastPostMessage: false`: Nest's controller answers the POSTs. */
const CONTROLLER = gatewaySide('controller', { WARREN__GATEWAY__FAST_POST_MESSAGE: 'false' });

/**
 * `GATEWAY_HTTP_VARIANTS="name=ENV=value[,ENV=value];…"`: extra gateways; `SCRIPT=<main.js>` and
 * `CWD=<dir>` start another build (e.g. an older commit's, built elsewhere).
 */
function variantSides(): Side[] {
  return (process.env.GATEWAY_HTTP_VARIANTS ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((spec) => {
      const eq = spec.indexOf('=');
      const env: Record<string, string> = {};
      for (const pair of spec.slice(eq + 1).split(',')) {
        const [k, ...v] = pair.split('=');
        if (k) env[k.trim()] = v.join('=');
      }
      return gatewaySide(spec.slice(0, eq).trim(), env);
    });
}

function cpuUs(cpu: CpuSplit, n: number): { serverUs: number; brokerUs: number } {
  const d = Math.max(1, n);
  return { serverUs: (cpu.warrenS * 1e6) / d, brokerUs: (cpu.brokerS * 1e6) / d };
}

/** One POST; resolves with its status (0 on a socket error). */
function post(agent: Agent, port: number, sessionId: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/v1/sessions/${sessionId}/messages`,
        headers: { authorization: `Bearer ${DEV_KEY}`, 'content-type': 'application/json', 'content-length': BODY.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(BODY);
  });
}

function summary(latencies: number[], sent: number, accepted: number, cpu: CpuSplit): PhaseResult {
  const sorted = latencies.sort((a, b) => a - b);
  return { sent, accepted, failed: sent - accepted, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), ...cpuUs(cpu, accepted) };
}

async function sequential(system: WarrenSystem, prefix: string): Promise<PhaseResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const latencies: number[] = [];
    let accepted = 0;
    const meter = new CpuMeter(system.pid);
    for (let i = 0; i < SEQUENTIAL; i++) {
      const t0 = performance.now();
      const status = await post(agent, system.port, `${prefix}-${i % SESSIONS}`);
      latencies.push(performance.now() - t0);
      if (status === 202) accepted++;
    }
    return summary(latencies, SEQUENTIAL, accepted, meter.read());
  } finally {
    agent.destroy();
  }
}

/** `rate` POSTs a second for `seconds`, each timed from when it was due. */
async function openLoop(system: WarrenSystem, prefix: string, rate: number, seconds: number): Promise<PhaseResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  try {
    const total = Math.round(rate * seconds);
    const latencies: number[] = [];
    const inFlight: Promise<void>[] = [];
    let accepted = 0;
    const meter = new CpuMeter(system.pid);
    const t0 = performance.now();
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
      for (; sent < due; sent++) {
        const scheduled = t0 + (sent / rate) * 1000;
        inFlight.push(
          post(agent, system.port, `${prefix}-${(sent * 919) % SESSIONS}`).then((status) => {
            latencies.push(performance.now() - scheduled);
            if (status === 202) accepted++;
          }),
        );
      }
      await sleep(2);
    }
    await Promise.race([Promise.all(inFlight), sleep(30_000)]);
    return summary(latencies, total, accepted, meter.read());
  } finally {
    agent.destroy();
  }
}

function cannon(system: WarrenSystem, prefix: string, seconds: number): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url: system.httpUrl,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: `/v1/sessions/${prefix}-0/messages`,
        headers: { authorization: `Bearer ${DEV_KEY}`, 'content-type': 'application/json' },
        body: BODY.toString('utf8'),
        setupRequest: (req) => ({ ...req, path: `/v1/sessions/${prefix}-${(next++ * 919) % SESSIONS}/messages` }),
      },
    ],
  });
}

async function closedLoop(system: WarrenSystem, prefix: string): Promise<ClosedResult> {
  const meter = new CpuMeter(system.pid);
  const r = await cannon(system, prefix, CLOSED_SECONDS);
  const cpu = meter.read();
  const accepted = r['2xx'];
  return {
    sent: r.requests.total,
    accepted,
    failed: r.requests.total - accepted,
    p50: r.latency.p50,
    p99: r.latency.p99,
    perSecond: accepted / r.duration,
    ...cpuUs(cpu, accepted),
  };
}

async function measureSide(side: Side): Promise<SideResult> {
  return withVhost(`gw-http-${side.name.replace(/\W+/g, '-')}`, async (vhost) => {
    const system = await side.start(vhost.url);
    try {
      await cannon(system, 'w', WARMUP_SECONDS);
      await sleep(300);
      const seq = await sequential(system, 's');
      const closed = await closedLoop(system, 'c');
      await sleep(300);
      const open: SideResult['open'] = [];
      for (const rate of RATES) {
        open.push({ rate, ...(await openLoop(system, `o${rate}`, rate, OPEN_SECONDS)) });
        await sleep(300);
      }
      return { name: side.name, sequential: seq, closed, open, warnings: system.warnings };
    } finally {
      await system.stop();
    }
  });
}

/** Each figure's best over the rounds (lowest latency and CPU, highest rate); failures added up. */
function best(rounds: SideResult[]): SideResult {
  const min = (xs: number[]) => Math.min(...xs.filter(Number.isFinite));
  const phase = <T extends PhaseResult>(ps: T[]): T => ({
    ...ps[0],
    sent: ps.reduce((n, p) => n + p.sent, 0),
    accepted: ps.reduce((n, p) => n + p.accepted, 0),
    failed: ps.reduce((n, p) => n + p.failed, 0),
    p50: min(ps.map((p) => p.p50)),
    p99: min(ps.map((p) => p.p99)),
    serverUs: min(ps.map((p) => p.serverUs)),
    brokerUs: min(ps.map((p) => p.brokerUs)),
  });
  const first = rounds[0] as SideResult;
  return {
    name: first.name,
    sequential: phase(rounds.map((r) => r.sequential)),
    closed: { ...phase(rounds.map((r) => r.closed)), perSecond: Math.max(...rounds.map((r) => r.closed.perSecond)) },
    open: first.open.map((o, i) => ({ ...phase(rounds.map((r) => r.open[i] as PhaseResult & { rate: number })), rate: o.rate })),
    warnings: rounds.reduce((n, r) => n + r.warnings, 0),
  };
}

function line(s: SideResult): string {
  const open = s.open.map((o) => `${o.rate}/s p50 ${o.p50.toFixed(2)} p99 ${o.p99.toFixed(2)} ms`).join(', ');
  return (
    `${s.name}: sequential p50 ${s.sequential.p50.toFixed(2)} p99 ${s.sequential.p99.toFixed(2)} ms, ${Math.round(s.sequential.serverUs)} µs/POST; ` +
    `closed ${Math.round(s.closed.perSecond)}/s, ${Math.round(s.closed.serverUs)} µs/POST (broker ${Math.round(s.closed.brokerUs)}); ${open}`
  );
}

export async function runGatewayHttpBench(): Promise<GatewayHttpResult> {
  const sides = [FLOOR, gatewaySide('gateway'), CONTROLLER, ...variantSides()];
  const rounds = new Map<string, SideResult[]>(sides.map((s) => [s.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of sides) {
      const r = await measureSide(side);
      rounds.get(side.name)?.push(r);
      process.stderr.write(`\n  round ${round + 1} ${line(r)}`);
    }
  }
  process.stderr.write('\n');
  const bestOf = (name: string) => best(rounds.get(name) as SideResult[]);
  return {
    floor: bestOf(FLOOR.name),
    gateway: bestOf('gateway'),
    controller: bestOf(CONTROLLER.name),
    variants: sides.slice(3).map((s) => bestOf(s.name)),
    rounds: ROUNDS,
  };
}

const ms = (x: number) => `${x.toFixed(2)} ms`;

/** The rows of one gateway against the floor (ratios: gateway ÷ floor). */
function sideRows(g: SideResult, f: SideResult, label: string, targets: boolean): BenchRow[] {
  const rows: BenchRow[] = [
    {
      name: `${label} POST, sequential p50`,
      unit: 'ms',
      warren: g.sequential.p50,
      baseline: f.sequential.p50,
      ratio: g.sequential.p50 / f.sequential.p50,
      how:
        `${SEQUENTIAL} POSTs one after the other on one keep-alive connection (node:http), timed in the bench process: p99 ${ms(g.sequential.p99)} ` +
        `(floor ${ms(f.sequential.p99)}); CPU per POST: ${label} ${Math.round(g.sequential.serverUs)} µs, floor ${Math.round(f.sequential.serverUs)} µs; ` +
        `failed ${g.sequential.failed} (floor ${f.sequential.failed})`,
    },
    {
      name: `${label} POST, CPU per accepted POST (closed loop)`,
      unit: 'µs',
      warren: g.closed.serverUs,
      baseline: f.closed.serverUs,
      ratio: g.closed.serverUs / f.closed.serverUs,
      ...(targets ? { target: '≤ 2× (issue 17: app CPU ≤ 2× the floor process)', met: g.closed.serverUs <= 2 * f.closed.serverUs } : {}),
      how:
        `the server process's CPU over a ${CLOSED_SECONDS} s autocannon run, ${CONNECTIONS} connections, ÷ its 202s; broker ${Math.round(g.closed.brokerUs)} µs ` +
        `(floor ${Math.round(f.closed.brokerUs)} µs); non-2xx ${g.closed.failed} (floor ${f.closed.failed})`,
    },
    {
      name: `${label} POST, closed loop accepted/s`,
      unit: 'msg/s',
      warren: g.closed.perSecond,
      baseline: f.closed.perSecond,
      ratio: g.closed.perSecond / f.closed.perSecond,
      how: `same run: POST p50 ${g.closed.p50} ms, p99 ${g.closed.p99} ms (floor ${f.closed.p50} / ${f.closed.p99} ms; autocannon, whole ms)`,
    },
  ];
  g.open.forEach((o, i) => {
    const fo = f.open[i] as PhaseResult & { rate: number };
    rows.push({
      name: `${label} POST, open loop ${o.rate}/s p99`,
      unit: 'ms',
      warren: o.p99,
      baseline: fo.p99,
      ratio: o.p99 / fo.p99,
      how:
        `${OPEN_SECONDS} s at a fixed ${o.rate} POSTs/s (up to 256 connections), each timed from when it was due: p50 ${ms(o.p50)} (floor ${ms(fo.p50)}); ` +
        `CPU per POST ${Math.round(o.serverUs)} µs (floor ${Math.round(fo.serverUs)} µs), broker ${Math.round(o.brokerUs)} µs (floor ${Math.round(fo.brokerUs)} µs); ` +
        `failed ${o.failed} of ${o.sent} (floor ${fo.failed} of ${fo.sent})`,
    });
  });
  return rows;
}

export function gatewayHttpRows(r: GatewayHttpResult): BenchRow[] {
  const note =
    `floor: bench/http-floor.ts (node:http, task insert, one confirmed quorum publish); gateway: dist/apps/gateway alone; ` +
    `fresh process and vhost per side and round, ${r.rounds} rounds interleaved, best per figure`;
  return [
    ...sideRows(r.gateway, r.floor, 'gateway', true).map((row, i) => (i === 0 ? { ...row, how: `${row.how}. ${note}` } : row)),
    ...sideRows(r.controller, r.floor, 'gateway, Nest controller (fastPostMessage off)', false),
    {
      name: 'gateway POST CPU, fast path ÷ Nest controller (closed loop)',
      unit: 'µs',
      warren: r.gateway.closed.serverUs,
      baseline: r.controller.closed.serverUs,
      ratio: r.gateway.closed.serverUs / r.controller.closed.serverUs,
      how:
        `the same gateway with \`gateway.fastPostMessage: false\` as the baseline, same run; accepted/s ${Math.round(r.gateway.closed.perSecond)} ` +
        `against ${Math.round(r.controller.closed.perSecond)}; sequential p50 ${ms(r.gateway.sequential.p50)} against ${ms(r.controller.sequential.p50)}`,
    },
    ...r.variants.flatMap((v) => sideRows(v, r.floor, `gateway (${v.name})`, false)),
  ];
}

if (require.main === module) {
  runGatewayHttpBench().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
