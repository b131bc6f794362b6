import { Presets, SingleBar } from 'cli-progress';

/** Progress of a bulk action: a bar with counts and ETA on an interactive terminal, a line per batch otherwise. */
export interface Progress {
  advance(done: number, skipped: number): void;
  stop(): void;
}

/** A progress display for `total` records (`label`: replay, discard). */
export function startProgress(label: string, total: number, interactive: boolean, err: (line: string) => void): Progress {
  let done = 0;
  let skipped = 0;
  if (!interactive) {
    return {
      advance(d, s) {
        done += d;
        skipped += s;
        err(`${label}: ${done}/${total} done, ${skipped} skipped`);
      },
      stop() {},
    };
  }
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | skipped {skipped} | {rate}/s | ETA {eta_formatted}`,
      hideCursor: true,
      etaBuffer: 50,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(Math.max(total, 1), 0, { skipped: 0, rate: 0 });
  return {
    advance(d, s) {
      done += d;
      skipped += s;
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      if (done + skipped > total) bar.setTotal(done + skipped);
      bar.update(done + skipped, { skipped, rate: Math.round((done + skipped) / seconds) });
    },
    stop() {
      bar.stop();
    },
  };
}

/** Waits so that `processed` records over the time since `startedMs` stay at or under `perSecond`. */
export async function pace(processed: number, startedMs: number, perSecond: number | undefined): Promise<void> {
  if (!perSecond) return;
  const due = startedMs + (processed / perSecond) * 1000;
  const wait = due - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
