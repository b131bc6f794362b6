/**
 * Knowledge base benchmark: retrieval latency (p50/p99) on the embedded store at 10k and 100k
 * passages, lexical (FTS5/BM25) and hybrid (BM25 + sqlite-vec k-NN with the local 256-dimension
 * embedder, fused by reciprocal rank); and the overhead of the `retrieve` step on a whole turn
 * (sequential turns through the broker, retrieval off vs on, the local model at zero latency).
 * Run alone: `node dist/bench/knowledge.bench.js` (after the build) prints the rows.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect } from 'amqplib';
import { LocalEmbedder } from '../libs/models/src/embeddings/local-embedder';
import { textEmbedderOf } from '../libs/models/src/embeddings/text-embedder';
import { createStore, KnowledgeBase, type WarrenStore } from '../libs/store/src/index';
import { type BenchRow, QUICK, withVhost } from './support';
import { WarrenSystem } from './system';
import { TurnClient } from './turn-client';

const SIZES = QUICK ? [1_000, 10_000] : [10_000, 100_000];
const QUERIES = QUICK ? 100 : 500;
const TURNS = QUICK ? 50 : 300;
const TURN_DOCS = QUICK ? 200 : 2_000;

/** A deterministic pseudo-random generator (mulberry32): the same corpus every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A vocabulary of 5,000 pronounceable words; word frequencies follow a Zipf-like skew. */
function corpus(seed = 42) {
  const next = rng(seed);
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'si', 'de', 'ba', 'qu', 'or', 'en', 'al', 'is', 'ut'];
  const vocabulary = Array.from({ length: 5_000 }, (_, i) => {
    let w = '';
    for (let s = 0; s < 2 + (i % 3); s++) w += syllables[Math.floor(next() * syllables.length)];
    return `${w}${i}`;
  });
  const word = () => vocabulary[Math.floor(vocabulary.length * next() ** 2)];
  const sentence = (n: number) => Array.from({ length: n }, word).join(' ');
  return { sentence };
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

async function timed(count: number, op: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const ms = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await op(i);
    ms[i] = performance.now() - t0;
  }
  ms.sort();
  return { p50: percentile(ms, 0.5), p99: percentile(ms, 0.99) };
}

/** Loads `passages` one-passage documents (about 40 words each) into a fresh embedded store; measures retrieval. */
async function retrievalAt(passages: number): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(process.env.WARREN_BENCH_DIR ?? tmpdir(), 'warren-knowledge-bench-'));
  const store: WarrenStore = createStore({ kind: 'embedded', dataDir });
  try {
    await store.init();
    const embedder = textEmbedderOf(new LocalEmbedder('local'));
    const hybrid = new KnowledgeBase(store.knowledge, { embedder });
    const lexical = new KnowledgeBase(store.knowledge);
    const { sentence } = corpus();
    const t0 = performance.now();
    for (let i = 0; i < passages; i++) await hybrid.upsert({ tenant: 'bench', id: `d${i}`, text: sentence(40), version: 1 });
    const loadS = (performance.now() - t0) / 1000;
    // another tenant of the same size is not needed: the vec0 table is partitioned by tenant and FTS rows are filtered by it
    const queries = Array.from({ length: QUERIES }, () => sentence(4));
    for (const q of queries.slice(0, 20)) await hybrid.search({ tenant: 'bench', text: q, topK: 4 }); // warm-up
    const lex = await timed(queries.length, (i) => lexical.search({ tenant: 'bench', text: queries[i], topK: 4 }));
    const hyb = await timed(queries.length, (i) => hybrid.search({ tenant: 'bench', text: queries[i], topK: 4 }));
    const how = (kind: string) =>
      `bench/knowledge.bench.ts: ${passages.toLocaleString('en')} passages of ~40 words (1 tenant, loaded in ${loadS.toFixed(0)} s with vectors), ${QUERIES} queries of 4 words, topK 4, ${kind}`;
    return [
      { name: `retrieval p50, ${passages / 1000}k passages, lexical`, unit: 'ms', warren: lex.p50, how: how('FTS5 BM25') },
      { name: `retrieval p99, ${passages / 1000}k passages, lexical`, unit: 'ms', warren: lex.p99, how: how('FTS5 BM25') },
      {
        name: `retrieval p50, ${passages / 1000}k passages, hybrid`,
        unit: 'ms',
        warren: hyb.p50,
        how: how('BM25 + sqlite-vec cosine k-NN (local embedder, 256 dims, query embedded each time), RRF'),
      },
      {
        name: `retrieval p99, ${passages / 1000}k passages, hybrid`,
        unit: 'ms',
        warren: hyb.p99,
        how: how('BM25 + sqlite-vec cosine k-NN (local embedder, 256 dims, query embedded each time), RRF'),
      },
    ];
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** p50 of `TURNS` sequential turns of the all-in-one app, with `env`; `docs` documents published on warren.knowledge first. */
async function turnP50(env: Record<string, string>, docs: number): Promise<number> {
  return withVhost('knowledge', async (vhost) => {
    const system = await WarrenSystem.start(vhost.url, env);
    const client = await TurnClient.open(vhost.url);
    try {
      if (docs > 0) {
        const connection = await connect(vhost.url);
        const ch = await connection.createConfirmChannel();
        const { sentence } = corpus(7);
        for (let i = 0; i < docs; i++) {
          const event = {
            specversion: '1.0',
            id: `doc-${i}`,
            source: 'bench/cdc',
            type: 'warren.knowledge.upsert',
            data: { id: `d${i}`, text: sentence(40), version: 1 },
          };
          ch.publish('warren.knowledge', 'document.upsert', Buffer.from(JSON.stringify(event)), { persistent: true });
        }
        await ch.waitForConfirms();
        await connection.close();
        // wait until the last one is searchable (admin search of its own words)
        const deadline = Date.now() + 120_000;
        while (Date.now() < deadline) {
          const res = await fetch(`${system.httpUrl}/v1/admin/knowledge/dev/documents?limit=1000&after=d${docs - 2}`, {
            headers: { authorization: 'Bearer dev-admin-key' },
          });
          const body = (await res.json()) as { items?: { id: string }[] };
          if (body.items?.some((d) => d.id === `d${docs - 1}`)) break;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      const { sentence } = corpus(7);
      for (let i = 0; i < 20; i++) await client.turn('kb-warm', sentence(6));
      const texts = Array.from({ length: TURNS }, () => sentence(6));
      return (await timed(TURNS, (i) => client.turn('kb-seq', texts[i]))).p50;
    } finally {
      await client.close();
      await system.stop();
    }
  });
}

/** Every row of the knowledge bench. */
export async function knowledgeBenchRows(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const size of SIZES) rows.push(...(await retrievalAt(size)));
  const off = await turnP50({}, 0);
  const on = await turnP50(
    { WARREN__KNOWLEDGE__EMBEDDER: 'local', WARREN__KNOWLEDGE__TENANTS: JSON.stringify({ dev: { enabled: true, topK: 4 } }) },
    TURN_DOCS,
  );
  rows.push({
    name: 'turn overhead of retrieval (p50)',
    unit: 'ms',
    warren: on - off,
    how:
      `bench/knowledge.bench.ts: ${TURNS} sequential raw-AMQP turns of the all-in-one app (local model at 0 ms), p50 ` +
      `${on.toFixed(2)} ms with hybrid retrieval on (topK 4, ${TURN_DOCS} documents published on warren.knowledge) vs ${off.toFixed(2)} ms off`,
  });
  return rows;
}

if (require.main === module) {
  knowledgeBenchRows()
    .then((rows) => {
      for (const r of rows) console.log(`${r.name}: ${r.warren?.toFixed(3)} ${r.unit}  (${r.how})`);
      process.exit(0);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
