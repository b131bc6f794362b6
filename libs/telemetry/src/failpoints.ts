/**
 * Failpoints for fault-injection tests (in the manner of etcd's gofail): named places in the code
 * where a test can stop a process at an exact moment of its work, then kill it there. Armed only
 * by the `WARREN_FAILPOINT` environment variable, read once at start (`<name>` pauses at the first
 * pass of that place); unset, `failpoint()` is a comparison with a constant. The process prints
 * `FAILPOINT <name> <detail>` on stdout and the work waits forever (until the test kills it).
 */

/** The places a test can stop at. */
export const FAILPOINTS = Object.freeze({
  /** A session turn is about to ask the model (nothing streamed yet). */
  TURN_BEFORE_MODEL: 'turn.before-model',
  /** A session turn has published its first delta and the model is still streaming. */
  TURN_MID_STREAM: 'turn.mid-stream',
  /** An entity actor's commit is durable; its outbox is not published and its message not acked. */
  ENTITY_AFTER_COMMIT: 'entity.after-commit',
} as const);

export type FailpointName = (typeof FAILPOINTS)[keyof typeof FAILPOINTS];

const armed = process.env.WARREN_FAILPOINT;
let fired = false;

/** Resolves at once, unless `name` is armed and passed for the first time: then it never resolves. */
export function failpoint(name: FailpointName, detail = ''): Promise<void> | undefined {
  if (armed !== name || fired) return undefined;
  fired = true;
  process.stdout.write(`FAILPOINT ${name} ${detail}\n`);
  return new Promise<void>(() => undefined);
}
