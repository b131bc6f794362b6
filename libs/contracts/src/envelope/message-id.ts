import { createHash } from 'node:crypto';
import { CLOUD_EVENT_LIMITS, textAttributeProblem } from './cloud-event';

/** True when `id` can travel as an AMQP `message-id` and a store key as it is (see `CLOUD_EVENT_LIMITS`). */
export function isUsableMessageId(id: unknown): id is string {
  return textAttributeProblem(id, { maxBytes: CLOUD_EVENT_LIMITS.ID_BYTES }) === undefined;
}

/** `sha256:<hex>` of the given parts (joined with NUL): a message id that is always usable. */
export function digestMessageId(...parts: (string | Buffer)[]): string {
  const hash = createHash('sha256');
  parts.forEach((part, i) => {
    if (i > 0) hash.update('\u0000');
    hash.update(part);
  });
  return `sha256:${hash.digest('hex')}`;
}

/**
 * `candidate` when it is a usable message id, else its digest: for ids Warren derives from ids it
 * was given (`dl:<id>`, `<id>:refused`), which may be too long or carry characters AMQP refuses.
 * Deterministic, so a redelivery derives the same id and the receiver drops the duplicate.
 */
export function safeMessageId(candidate: string): string {
  return isUsableMessageId(candidate) ? candidate : digestMessageId(candidate);
}
