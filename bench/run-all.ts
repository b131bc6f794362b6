/**
 * `npm run bench`: runs every benchmark one after the other (each in its own vhost), prints one
 * table and writes bench/RESULTS.md. `BENCH_QUICK=1` is a ~30 s smoke run with smaller counts
 * (printed only: RESULTS.md keeps the last full run). Children: the Nest baseline and the
 * memory bench (with --expose-gc) run as separate node processes, and so does the turn floor.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ASK_IN_FLIGHT, ASK_THROUGHPUT_COUNT, askLatencyRows, runAskBench } from './ask.bench';
import type { MemoryResult } from './memory.bench';
import { runStoreBench } from './store.bench';
import { type BenchRow, benchResult, QUICK, ROUNDS, rabbitmqctl, repoRoot, runNode, withVhost } from './support';
import { runTellBench } from './tell.bench';

const ROOT = repoRoot();
const DIST_BENCH = __dirname;
const NOTES_MARKER = '<!-- Everything below this line is kept by run-all when it rewrites this file. -->';

/** Node module path for children: the caller's NODE_PATH (e.g. where amqp-connection-manager lives), then the repo's. */
function childNodePath(): string {
  return [process.env.NODE_PATH, join(ROOT, 'node_modules')].filter(Boolean).join(delimiter);
}

async function askRows(): Promise<BenchRow[]> {
  const ask = await runAskBench();
  const rows = askLatencyRows(ask);
  let nest: { perSecond: number } | { skipped: string } = { perSecond: 0 };
  for (let round = 0; round < ROUNDS && 'perSecond' in nest; round++) {
    const r = await withVhost('nest', async (v) =>
      benchResult<{ perSecond: number } | { skipped: string }>(
        await runNode([], join(DIST_BENCH, 'nest.bench.js'), { AMQP_URL: v.url, NODE_PATH: childNodePath() }, 180_000),
      ),
    );
    if ('skipped' in r || r.perSecond > nest.perSecond) nest = r;
  }
  const how =
    `${ASK_THROUGHPUT_COUNT} \`ref.ask()\` to worker bench-echo/default, ${ASK_IN_FLIGHT} in flight (worker prefetch 256; default 16), after 1000 warm-up, best of ${ROUNDS} rounds per side; ` +
    `raw amqplib direct reply-to on the same path: ${Math.round(ask.raw.perSecond)}/s. Baseline: Nest 11 RMQ transport, ` +
    `createMicroservice(Transport.RMQ) + @MessagePattern echo, ClientsModule ClientRMQ \`send\` with ${ASK_IN_FLIGHT} in flight, same process; ` +
    "Nest's default queue options: classic durable queue (queueOptions {}), non-persistent messages, server noAck (auto-ack), prefetchCount 0 " +
    '(Warren: quorum queue, persistent, manual ack after the reply, class-validator on every message, CloudEvents envelope).';
  if ('skipped' in nest) {
    rows.push({
      name: 'ask throughput',
      unit: 'asks/s',
      warren: ask.warren.perSecond,
      target: '≥ 1.2×',
      how: `Nest baseline skipped: ${nest.skipped}. ${how}`,
    });
  } else {
    const ratio = ask.warren.perSecond / nest.perSecond;
    rows.push({
      name: 'ask throughput',
      unit: 'asks/s',
      warren: ask.warren.perSecond,
      baseline: nest.perSecond,
      ratio,
      target: '≥ 1.2×',
      met: ratio >= 1.2,
      how,
    });
  }
  return rows;
}

async function memoryRows(): Promise<BenchRow[]> {
  const r = await withVhost('memory', async (v) =>
    benchResult<MemoryResult>(
      await runNode(['--expose-gc'], join(DIST_BENCH, 'memory.bench.js'), { AMQP_URL: v.url, NODE_PATH: childNodePath() }, 300_000),
    ),
  );
  const per100k = (r.heapDeltaMB * 100_000) / r.actors;
  const scaled = r.actors !== 100_000;
  return [
    {
      name: `memory, ${r.actors / 1000}k active entities`,
      unit: 'MB heap',
      warren: r.heapDeltaMB,
      target: '≤ 150 MB',
      met: per100k <= 150 && r.activeCount >= r.actors,
      how:
        `child \`node --expose-gc\`: one runtime (maxActivations ≥ 200k, passivateAfterMs 1 h), gc, one tell each to ${r.actors} bench-counter ids ` +
        `(state {count}), 500 in flight, wait until all applied (${r.activateSeconds.toFixed(1)} s), gc ×4; heapUsed ${r.heapBeforeMB.toFixed(1)} → ` +
        `${r.heapAfterMB.toFixed(1)} MB, ${Math.round(r.bytesPerActor)} B per activation, RSS +${r.rssDeltaMB.toFixed(0)} MB` +
        (scaled ? `; quick run: ≈ ${per100k.toFixed(1)} MB per 100k` : ''),
    },
    {
      name: 'memory, entities.activeCount',
      unit: 'actors',
      warren: r.activeCount,
      target: `= ${r.actors}`,
      met: r.activeCount >= r.actors,
      how: '`runtime.entities.activeCount` after the GC above',
    },
  ];
}

async function floorRows(): Promise<BenchRow[]> {
  const script = join(ROOT, '..', 'shared', 'bench', 'floor-turn.js');
  if (!existsSync(script)) return [{ name: 'turn floor', unit: 'ms', how: `skipped: ${script} not found` }];
  const dir = mkdtempSync(join(tmpdir(), 'warren-floor-'));
  try {
    const out = await withVhost('floor', async (v) =>
      runNode([], script, { AMQP_URL: v.url, NODE_PATH: join(ROOT, 'node_modules'), FLOOR_DB: join(dir, 'floor.sqlite') }, 120_000),
    );
    const m = /p50 ([\d.]+) ms p99 ([\d.]+) ms/.exec(out);
    if (!m) throw new Error(`floor-turn printed no "p50 … ms p99 … ms" line: ${out.trim()}`);
    const how =
      'shared/bench/floor-turn.js (raw amqplib + better-sqlite3, same hops as a design turn: ingress → router → session shard → limiter ask → ' +
      'model askStream (3 deltas) → events + one SQLite WAL transaction), 50 warm-up + 500 sequential turns. Warren has no turn yet: ' +
      'this is the baseline for the later turn benchmarks.';
    return [
      { name: 'turn floor p50', unit: 'ms', baseline: Number(m[1]), target: 'baseline only', how },
      { name: 'turn floor p99', unit: 'ms', baseline: Number(m[2]), target: 'baseline only', how: 'same run as the p50 line' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function storeRows(): Promise<BenchRow[]> {
  const results = await runStoreBench();
  return results.map((r) => ({
    name: r.name,
    unit: r.unit,
    warren: r.unit === 'skipped' ? undefined : r.value,
    how: r.note ? `bench/store.bench.ts: ${r.note}` : 'bench/store.bench.ts',
  }));
}

function fmt(value: number | undefined, unit: string): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  const digits = unit === 'ms' ? 2 : unit.startsWith('MB') ? 1 : 0;
  const n = value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${n} ${unit}`;
}

interface Line {
  name: string;
  warren: string;
  baseline: string;
  ratio: string;
  target: string;
  met: string;
}

function toLine(r: BenchRow): Line {
  return {
    name: r.name,
    warren: r.warren === undefined && r.target === 'baseline only' ? 'n/a (no turn yet)' : fmt(r.warren, r.unit),
    baseline: fmt(r.baseline, r.unit),
    ratio: r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}×`,
    target: r.target ?? '—',
    met: r.met === undefined ? '—' : r.met ? 'yes' : 'NO',
  };
}

const HEADERS: Line = { name: 'name', warren: 'Warren', baseline: 'baseline', ratio: 'ratio', target: 'target', met: 'met?' };
const COLUMNS = Object.keys(HEADERS) as (keyof Line)[];

function textTable(lines: Line[]): string {
  const width = (c: keyof Line) => Math.max(...[HEADERS, ...lines].map((l) => l[c].length));
  const row = (l: Line) => COLUMNS.map((c) => l[c].padEnd(width(c))).join('  ');
  return [row(HEADERS), COLUMNS.map((c) => '-'.repeat(width(c))).join('  '), ...lines.map(row)].join('\n');
}

function markdownTable(lines: Line[]): string {
  const row = (l: Line) => `| ${COLUMNS.map((c) => l[c].replace(/\|/g, '\\|')).join(' | ')} |`;
  return [row(HEADERS), `|${COLUMNS.map(() => '---').join('|')}|`, ...lines.map(row)].join('\n');
}

function machine(): { cpus: string; model: string; node: string; rabbitmq: string } {
  let nproc = String(cpus().length);
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // os.cpus() then
  }
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {
    // not Linux
  }
  let rabbitmq = 'unknown';
  try {
    rabbitmq = rabbitmqctl('version').trim();
  } catch {
    // rabbitmqctl missing
  }
  return { cpus: nproc, model, node: process.version, rabbitmq };
}

function writeResults(rows: BenchRow[], seconds: number): string {
  const file = join(ROOT, 'bench', 'RESULTS.md');
  const m = machine();
  let kept = '';
  if (existsSync(file)) {
    const old = readFileSync(file, 'utf8');
    const at = old.indexOf(NOTES_MARKER);
    if (at >= 0) kept = old.slice(at + NOTES_MARKER.length).trimStart();
  }
  const how = rows.map((r) => `- **${r.name}**: ${r.how}`).join('\n');
  const text = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` (bench/run-all.ts) on ${new Date().toISOString()}, ${seconds.toFixed(0)} s in all.`,
    '',
    `Machine: ${m.cpus} CPUs (\`nproc\`), ${m.model}; Node ${m.node}; RabbitMQ ${m.rabbitmq} on the same machine ` +
      '(client, runtime and broker share the CPUs). Warren runs on the embedded store (SQLite WAL) in a temp dir.',
    '',
    markdownTable(rows.map(toLine)),
    '',
    'Ratio is Warren ÷ baseline (higher is better for throughput, lower for latency).',
    '',
    '## How measured',
    '',
    how,
    '',
    NOTES_MARKER,
    '',
    kept || '## Notes\n',
  ].join('\n');
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
  return file;
}

async function main(): Promise<void> {
  const started = performance.now();
  const rows: BenchRow[] = [];
  let failed = false;
  const benches: [string, () => Promise<BenchRow[]>][] = [
    ['tell throughput', runTellBench],
    ['asks', askRows],
    ['memory', memoryRows],
    ['turn floor', floorRows],
    ['store', storeRows],
  ];
  for (const [name, run] of benches) {
    const t0 = performance.now();
    process.stderr.write(`bench: ${name}…`);
    try {
      rows.push(...(await run()));
      process.stderr.write(` ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      failed = true;
      process.stderr.write(' failed\n');
      console.error(error);
      rows.push({ name, unit: '', how: `FAILED: ${error instanceof Error ? error.message : String(error)}`, met: false });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`\n${textTable(rows.map(toLine))}\n`);
  if (QUICK) console.log(`quick run (BENCH_QUICK=1) in ${seconds.toFixed(0)} s: bench/RESULTS.md left as it was`);
  else console.log(`${seconds.toFixed(0)} s; written to ${writeResults(rows, seconds)}`);
  if (failed) process.exitCode = 1;
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
