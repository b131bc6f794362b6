/**
 * Router decision overhead per turn: `ModelRouter.route()` over a composed `routing:` config
 * (tenant override, rules on tags/language/channel/length, a content classifier, a sticky
 * weighted A/B split, a performance strategy reading the live EWMA tracker, fallbacks at every
 * level and global ones), timed one decision at a time with `process.hrtime.bigint()`, across
 * varied sessions and texts. In process: the router is pure and synchronous (no I/O).
 * Run alone: `node dist/bench/router.bench.js`.
 */

import { EndpointHealth, ModelRouter, PatternClassifier, type RouteInput, resolveRoutingOptions } from '@warren/models';
import { type BenchRow, percentile, QUICK } from './support';

const DECISIONS = QUICK ? 50_000 : 300_000;
const WARMUP = QUICK ? 10_000 : 50_000;
const TARGET_P99_US = 50;

/** A config with every kind of strategy composed: tenant → rules → (A/B → performance | content | static), with fallbacks. */
export const COMPOSED_ROUTING = {
  default: 'entry',
  tenants: { acme: 'ab' },
  routes: { voice: 'voice' },
  fallbacks: ['backup', 'local'],
  strategies: {
    entry: {
      kind: 'rules',
      rules: [
        { name: 'vip', when: { tags: ['vip'] }, use: 'ab' },
        { name: 'french-long', when: { languages: ['fr'], minLength: 80 }, use: 'big' },
        { name: 'short-text', when: { channels: ['text'], maxLength: 12 }, use: 'fast' },
      ],
      otherwise: 'by-content',
      fallbacks: ['backup'],
    },
    'by-content': { kind: 'content', classes: { code: 'coder', math: 'ab' }, otherwise: 'ab', fallbacks: ['medium'] },
    ab: {
      kind: 'weighted',
      arms: [
        { name: 'control', weight: 70, use: 'perf' },
        { name: 'candidate', weight: 30, use: 'medium' },
      ],
      fallbacks: ['backup'],
    },
    perf: { kind: 'performance', endpoints: ['fast', 'medium', 'big'], metric: 'latency', fallbacks: ['local'] },
    voice: { kind: 'performance', endpoints: ['fast', 'medium'], metric: 'outstanding', fallbacks: [] },
    coder: { kind: 'static', endpoint: 'big', fallbacks: ['medium'] },
  },
  contextWindows: { fast: 8_000, medium: 32_000, big: 128_000 },
};

const TEXTS = [
  'hello there',
  'Can you write a function in TypeScript that reverses a linked list?',
  'What is the integral of x^2 from 0 to 3?',
  'Tell me something interesting about the history of Lisbon and its harbour in the 18th century, please.',
  'Pourriez-vous m’expliquer en détail comment fonctionne la photosynthèse chez les plantes vertes, étape par étape ?',
  'ok',
  'I would like to book a table for two tomorrow evening.',
];

export interface RouterBenchResult {
  decisions: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  meanUs: number;
  /** How the decisions spread over the endpoints first in the chain (sanity: every branch ran). */
  firsts: Record<string, number>;
}

export function runRouterBench(): RouterBenchResult {
  const options = resolveRoutingOptions(structuredClone(COMPOSED_ROUTING), 'local');
  const health = new EndpointHealth({});
  // Live measurements for the performance strategies (EWMA latency, outstanding calls).
  for (let i = 0; i < 50; i++) {
    for (const [name, ms] of [
      ['fast', 40],
      ['medium', 90],
      ['big', 300],
    ] as const) {
      health.recordStart(name);
      health.recordSuccess(name, ms + (i % 7));
    }
  }
  health.recordStart('fast');
  const router = new ModelRouter(options, new PatternClassifier(options.classifier), health);
  const inputs: RouteInput[] = [];
  for (let i = 0; i < 1024; i++) {
    const text = TEXTS[i % TEXTS.length] as string;
    inputs.push({
      tenant: i % 11 === 0 ? 'acme' : `t${i % 5}`,
      sessionKey: `t${i % 5}~session-${i}`,
      text,
      tags: i % 13 === 0 ? ['vip'] : ['sports'],
      language: text.startsWith('Pourriez') ? 'fr' : 'en',
      channel: i % 9 === 0 ? 'voice' : 'text',
      ...(i % 4 === 0 ? { lastEndpoint: 'medium' } : {}),
    });
  }
  const firsts: Record<string, number> = {};
  for (let i = 0; i < WARMUP; i++) router.route(inputs[i & 1023] as RouteInput);
  const samples = new Float64Array(DECISIONS);
  let total = 0n;
  for (let i = 0; i < DECISIONS; i++) {
    const input = inputs[i & 1023] as RouteInput;
    const t0 = process.hrtime.bigint();
    const plan = router.route(input);
    const dt = process.hrtime.bigint() - t0;
    total += dt;
    samples[i] = Number(dt) / 1000;
    const first = plan.chain[0] ?? '?';
    firsts[first] = (firsts[first] ?? 0) + 1;
  }
  samples.sort();
  return {
    decisions: DECISIONS,
    p50Us: percentile(samples, 0.5),
    p99Us: percentile(samples, 0.99),
    maxUs: samples[samples.length - 1] ?? 0,
    meanUs: Number(total) / 1000 / DECISIONS,
    firsts,
  };
}

export function routerRows(r: RouterBenchResult): BenchRow[] {
  const spread = Object.entries(r.firsts)
    .map(([e, n]) => `${e} ${((n / r.decisions) * 100).toFixed(0)}%`)
    .join(', ');
  const how =
    `${r.decisions} \`ModelRouter.route()\` decisions after ${WARMUP} warm-up, one at a time (process.hrtime.bigint around each), in process; ` +
    'composed config (bench/router.bench.ts COMPOSED_ROUTING): tenant override, rules (tags, language + length, channel + length), ' +
    'content classifier (default code/math/chit-chat patterns), sticky weighted A/B (70/30), performance by EWMA latency and by outstanding ' +
    'calls over a live EndpointHealth, strategy and global fallbacks; 1024 varied turns (5 tenants, 7 texts, voice/text, affinity hints). ' +
    `Mean ${r.meanUs.toFixed(2)} µs, max ${r.maxUs.toFixed(1)} µs (a GC pause or a timer on the shared machine). First endpoint: ${spread}.`;
  return [
    { name: 'router decision p50', unit: 'µs', warren: r.p50Us, target: `< ${TARGET_P99_US} µs p99`, how },
    {
      name: 'router decision p99',
      unit: 'µs',
      warren: r.p99Us,
      target: `< ${TARGET_P99_US} µs`,
      met: r.p99Us < TARGET_P99_US,
      how: 'same run as the p50 line',
    },
  ];
}

export async function routerBenchRows(): Promise<BenchRow[]> {
  return routerRows(runRouterBench());
}

if (require.main === module) {
  const r = runRouterBench();
  console.log(JSON.stringify(r));
}
