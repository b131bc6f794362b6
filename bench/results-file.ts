/** bench/RESULTS.md and the terminal table: formatting the rows, the machine line, the kept notes. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { type BenchRow, rabbitmqctl, repoRoot } from './support';

const NOTES_MARKER = '<!-- Everything below this line is kept by run-all when it rewrites this file. -->';

function fmt(value: number | undefined, unit: string): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  const digits = unit === 'ms' || unit === 'µs' ? 2 : unit.startsWith('MB') || unit === 's' ? 1 : 0;
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
    warren: fmt(r.warren, r.unit),
    baseline: fmt(r.baseline, r.unit),
    ratio: r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}×`,
    target: r.target ?? '—',
    met: r.met === undefined ? '—' : r.met ? 'yes' : 'NO',
  };
}

const HEADERS: Line = { name: 'name', warren: 'Warren', baseline: 'baseline', ratio: 'ratio', target: 'target', met: 'met?' };
const COLUMNS = Object.keys(HEADERS) as (keyof Line)[];

/** The rows as an aligned text table, for the terminal. */
export function textTable(rows: BenchRow[]): string {
  const lines = rows.map(toLine);
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

/**
 * Rewrites bench/RESULTS.md: the table, the turns section and how each row was measured; what
 * follows {@link NOTES_MARKER} in the old file (hand-written notes) is kept. Returns the file's path.
 */
export function writeResults(rows: BenchRow[], seconds: number, load: string, turnsText: string): string {
  const file = join(repoRoot(), 'bench', 'RESULTS.md');
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
      '(client, runtime and broker share the CPUs). Warren runs on the embedded store (SQLite WAL) in a temp dir. ' +
      `Load average (1 min) ${load}: other work on the machine shows here.`,
    '',
    markdownTable(rows.map(toLine)),
    '',
    'Ratio is Warren ÷ baseline (higher is better for throughput, lower for latency).',
    '',
    turnsText,
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
