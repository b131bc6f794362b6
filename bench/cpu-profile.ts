/**
 * Summarises a V8 `.cpuprofile` (node --cpu-prof) over a time window: busy time, and self time
 * by area (store, AMQP, actors runtime, session turn, validation, telemetry, HTTP, Node, GC…), by
 * file and by function, plus inclusive time of Warren's own functions. The window is in the
 * profile's clock (µs of CLOCK_MONOTONIC on Linux, the same clock as `process.hrtime` of any
 * process on the machine), so a bench can cut out start-up and shutdown of the profiled child.
 * Run alone: `node dist/bench/cpu-profile.js <file.cpuprofile> [turns]`.
 */

import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A share of the busy time: µs in the window and the share of busy time. */
export interface Share {
  name: string;
  us: number;
  share: number;
}

export interface ProfileSummary {
  windowUs: number;
  busyUs: number;
  idleUs: number;
  samples: number;
  byArea: Share[];
  byFile: Share[];
  byFunction: Share[];
  /** Inclusive time of functions in apps/ and libs/ (each counted once per sample). */
  warrenInclusive: Share[];
}

/** A profile URL as a short path: `libs/store/src/x.js`, `node_modules/amqplib/lib/x.js`, `node:net`, or `(native)`. */
export function shortPath(url: string): string {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return url;
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return `node_modules/${path.slice(nm + '/node_modules/'.length)}`;
  const dist = path.indexOf('/dist/');
  return dist >= 0 ? path.slice(dist + '/dist/'.length) : path;
}

/** The area a frame belongs to (what a reader of the turn's cost cares about). */
export function areaOf(frame: CallFrame): string {
  const f = frame.functionName;
  if (f === '(garbage collector)') return 'GC';
  if (f === '(program)') return 'V8/native (program)';
  if (f === '(idle)') return '(idle)';
  const p = shortPath(frame.url);
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1];
  if (pkg === 'better-sqlite3' || p.startsWith('libs/store/')) return 'store (libs/store + better-sqlite3)';
  if (pkg === 'amqplib' || p.startsWith('libs/amqp/')) return 'AMQP (libs/amqp + amqplib)';
  if (pkg === 'class-validator' || pkg === 'class-transformer' || pkg === 'validator' || p.startsWith('libs/contracts/'))
    return 'contracts + validation (libs/contracts, class-validator/transformer)';
  if (pkg?.startsWith('@opentelemetry/') || p.startsWith('libs/telemetry/') || pkg === 'prom-client')
    return 'telemetry (libs/telemetry, OpenTelemetry, metrics)';
  if (p.startsWith('libs/actors/')) return 'actors runtime (libs/actors)';
  if (p.startsWith('apps/runtime/src/session/')) return 'session turn (apps/runtime/src/session)';
  if (p.startsWith('apps/runtime/')) return 'runtime app, other (ingress, intents, chat)';
  if (p.startsWith('libs/models/')) return 'models (libs/models)';
  if (p.startsWith('libs/moderation/')) return 'moderation (libs/moderation)';
  if (p.startsWith('apps/gateway/') || pkg === 'express' || pkg?.startsWith('@nestjs/') || pkg === 'body-parser' || pkg === 'router')
    return 'gateway / Nest / Express';
  if (p.startsWith('libs/')) return `other libs (${p.split('/')[1]})`;
  if (pkg === 'pino' || pkg === 'sonic-boom' || pkg === 'thread-stream') return 'logging (pino)';
  if (pkg) return `node_modules, other (${pkg})`;
  if (p === 'node:net' || p.startsWith('node:internal/stream') || p.startsWith('node:internal/net') || p === 'node:stream')
    return 'Node streams + sockets';
  if (p.startsWith('node:internal/timers') || p === 'node:timers') return 'Node timers';
  if (p.startsWith('node:internal/process/task_queues') || p.startsWith('node:internal/async_hooks') || p === 'node:async_hooks')
    return 'Node microtasks + async_hooks';
  if (p.startsWith('node:')) return 'Node, other';
  if (p === '(native)') {
    if (/^(writev|writeBuffer|writeUtf8String|writeLatin1String|writeAsciiString)$/.test(f))
      return 'socket writes (native writev/writeBuffer)';
    if (f === 'runMicrotasks') return 'Node microtasks + async_hooks';
    if (f.startsWith('RegExp:')) return 'regular expressions (V8)';
    return 'V8 builtins/native, other';
  }
  return 'other';
}

function top(map: Map<string, number>, busy: number, n: number): Share[] {
  return [...map]
    .map(([name, us]) => ({ name, us, share: busy > 0 ? us / busy : 0 }))
    .sort((a, b) => b.us - a.us)
    .slice(0, n);
}

/**
 * Summarises `file` over [fromUs, toUs] (profile clock; whole profile when left out). Native
 * calls (better-sqlite3's statements, socket writes) count as self time of the JS frame below
 * them when V8 shows no frame of their own.
 */
export function summariseProfile(
  file: string,
  fromUs = Number.NEGATIVE_INFINITY,
  toUs = Number.POSITIVE_INFINITY,
  topN = 25,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const area = new Map<string, number>();
  const files = new Map<string, number>();
  const fns = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let t = profile.startTime;
  let busy = 0;
  let idle = 0;
  let count = 0;
  const from = Math.max(fromUs, profile.startTime);
  const to = Math.min(toUs, profile.endTime);
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < from || t > to) continue;
    // A sample stands for the time until the next one.
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    count++;
    const fr = node.callFrame;
    if (fr.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    busy += dt;
    const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + dt);
    add(area, areaOf(fr));
    const path = shortPath(fr.url);
    add(files, path === '(native)' ? `(native) ${fr.functionName}` : path);
    add(fns, `${fr.functionName || '(anonymous)'} ${path}:${fr.lineNumber + 1}`);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)?.callFrame;
      if (!f) break;
      const p = shortPath(f.url);
      if (!p.startsWith('apps/') && !p.startsWith('libs/')) continue;
      const key = `${f.functionName || '(anonymous)'} ${p}:${f.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      add(inclusive, key);
    }
  }
  return {
    windowUs: Math.max(0, to - from),
    busyUs: busy,
    idleUs: idle,
    samples: count,
    byArea: top(area, busy, 40),
    byFile: top(files, busy, topN),
    byFunction: top(fns, busy, topN),
    warrenInclusive: top(inclusive, busy, topN),
  };
}

/** The summary as Markdown tables; `turns` adds µs per turn. */
export function profileMarkdown(s: ProfileSummary, turns?: number): string {
  const per = (us: number) => (turns ? ` | ${Math.round(us / turns)}` : '');
  const table = (title: string, rows: Share[]) =>
    [
      `| ${title} | share of busy | ms${turns ? ' | µs per turn' : ''} |`,
      `|---|---|---${turns ? '|---' : ''}|`,
      ...rows.map((r) => `| ${r.name.replace(/\|/g, '\\|')} | ${(r.share * 100).toFixed(1)} % | ${(r.us / 1000).toFixed(0)}${per(r.us)} |`),
    ].join('\n');
  return [
    `Window ${(s.windowUs / 1e6).toFixed(1)} s, ${s.samples} samples: busy ${(s.busyUs / 1e6).toFixed(2)} s, idle ${(s.idleUs / 1e6).toFixed(2)} s` +
      (turns ? `; busy per turn ${Math.round(s.busyUs / turns)} µs over ${turns} turns` : '') +
      '.',
    '',
    table('area (self time)', s.byArea),
    '',
    table('file (self time)', s.byFile),
    '',
    table('function (self time)', s.byFunction),
    '',
    table('Warren function (inclusive)', s.warrenInclusive),
  ].join('\n');
}

if (require.main === module) {
  const [file, turns] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/bench/cpu-profile.js <file.cpuprofile> [turns]');
    process.exit(2);
  }
  console.log(profileMarkdown(summariseProfile(file), turns ? Number(turns) : undefined));
}
