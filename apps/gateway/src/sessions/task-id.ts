import { createHash, randomUUID } from 'node:crypto';
import { InvalidMessageError } from '@warren/contracts';

/** Visible ASCII and spaces, 1 to 255 characters (UUIDs, ULIDs, client-chosen strings). */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

/** Prefix of task ids derived from an `Idempotency-Key`. */
export const IDEMPOTENT_TASK_PREFIX = 'idem-';

/**
 * The task id of a POSTed message. With an `Idempotency-Key` it is derived from (tenant,
 * session, key), so a retried POST gets the same task id, which is also the message id the
 * session actor deduplicates on; without one it is a random UUID.
 */
export function taskIdFor(tenant: string, sessionId: string, idempotencyKey?: string): string {
  if (idempotencyKey === undefined) return randomUUID();
  if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw new InvalidMessageError('Idempotency-Key must be 1 to 255 visible ASCII characters', [
      { field: 'Idempotency-Key', constraints: ['1 to 255 visible ASCII characters'] },
    ]);
  }
  const digest = createHash('sha256')
    .update(JSON.stringify([tenant, sessionId, idempotencyKey]), 'utf8')
    .digest('base64url');
  return `${IDEMPOTENT_TASK_PREFIX}${digest}`;
}
