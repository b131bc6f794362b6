/**
 * What output moderation before streaming costs (`ModeratedStream`, @warren/moderation, the
 * default rules): how many tokens of the model's stream the first released delta waits for (the
 * hold-back window), what that adds to the time to first delta at a given token rate, and the CPU
 * time per delta. In process: moderation is pure and synchronous; replies are streamed word by word
 * as models do. Run alone: `node dist/bench/moderation.bench.js`.
 */

import { ModeratedStream, Moderator } from '@warren/moderation';
import { type BenchRow, percentile, QUICK } from './support';

/** A model's pace for the added-latency figure: 50 tokens/s, a word per token. */
const TOKEN_MS = 20;
const ROUNDS = QUICK ? 200 : 2_000;

const REPLIES = [
  'Sure! The museum opens at nine in the morning and closes at six, except on Mondays when it is closed all day.',
  'You can reach our support team at support@example.com or call +44 20 7946 0958 between nine and five.',
  'Here is a short summary of the article: the authors compare three approaches to caching and find that the simplest one wins on most workloads, mainly because it keeps fewer objects alive.',
  'Okay. Step one: open the settings. Step two: choose the account tab. Step three: press the reset button and wait a minute.',
];

export interface ModerationBenchResult {
  holdTokens: number;
  /** Tokens streamed before the first release, per reply (the same every round). */
  firstReleaseAfter: number[];
  perDeltaP50Us: number;
  perDeltaP99Us: number;
  deltas: number;
}

export function runModerationBench(): ModerationBenchResult {
  const moderator = new Moderator();
  const words = REPLIES.map((r) => r.split(/(?<=\s)/u));
  const firstReleaseAfter = words.map((w) => {
    const s = new ModeratedStream(moderator);
    const i = w.findIndex((piece) => s.push(piece) !== undefined);
    return i < 0 ? w.length : i + 1;
  });
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const w of words) {
      const s = new ModeratedStream(moderator);
      for (const piece of w) {
        const t0 = process.hrtime.bigint();
        s.push(piece);
        samples.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
      s.finish();
    }
  }
  const sorted = Float64Array.from(samples).sort();
  return {
    holdTokens: moderator.matchTokens('out') - 1,
    firstReleaseAfter,
    perDeltaP50Us: percentile(sorted, 0.5),
    perDeltaP99Us: percentile(sorted, 0.99),
    deltas: samples.length,
  };
}

export function moderationRows(r: ModerationBenchResult): BenchRow[] {
  const worst = Math.max(...r.firstReleaseAfter);
  const how =
    `ModeratedStream with the default rules (longest blocked match ${r.holdTokens + 1} tokens: ${r.holdTokens} complete tokens held plus the one in progress), ` +
    `${REPLIES.length} replies of 20-35 words streamed a word per delta; first release after ${r.firstReleaseAfter.join(', ')} tokens ` +
    `(a reply that opens with an address or phone number waits for it whole). Added time to first delta at ${1000 / TOKEN_MS} tokens/s: ` +
    'tokens held × 20 ms (without moderation the first word would go at once).';
  return [
    { name: 'moderation hold-back before the first delta', unit: 'tokens', warren: worst - 1, how },
    {
      name: 'moderation added time to first delta (50 tok/s)',
      unit: 'ms',
      warren: (worst - 1) * TOKEN_MS,
      target: 'the window only',
      how: 'same run as the line above',
    },
    {
      name: 'moderation CPU per delta p50',
      unit: 'µs',
      warren: r.perDeltaP50Us,
      how: `${r.deltas} pushes (${ROUNDS} rounds of the replies), process.hrtime.bigint around each`,
    },
    { name: 'moderation CPU per delta p99', unit: 'µs', warren: r.perDeltaP99Us, how: 'same run as the p50 line' },
  ];
}

export async function moderationBenchRows(): Promise<BenchRow[]> {
  return moderationRows(runModerationBench());
}

if (require.main === module) console.log(JSON.stringify(runModerationBench()));
