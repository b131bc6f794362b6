import type { FieldViolation } from '../errors/api-errors';
import type { CloudEvent } from './cloud-event';

/**
 * What raw producers may put in the attributes Warren turns into ids, headers and store keys,
 * beyond `parseCloudEvent`'s limits. The `id` is the task id: it becomes the AMQP `message-id`
 * of the forwarded message, `x-warren-task-id`, a store key, and the stem of the ids of every
 * message and event of the turn (`<id>:<n>`), so it is short and plain; the `source` becomes
 * `x-warren-sender`. Printable ASCII without spaces (`!` to `~`) keeps them the same length in
 * bytes and characters and safe in headers and logs.
 */
export const INGRESS_LIMITS = Object.freeze({
  /** Characters of the CloudEvent `id` (a UUID is 36). */
  ID_CHARS: 128,
  /** Characters of the CloudEvent `source`. */
  SOURCE_CHARS: 256,
} as const);

const PRINTABLE = /^[\x21-\x7e]+$/;

/** The ingress rules broken by an already parsed CloudEvent (empty when it may be forwarded). */
export function ingressEnvelopeViolations(event: Pick<CloudEvent, 'id' | 'source'>): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const check = (field: 'id' | 'source', value: string, max: number) => {
    if (value.length > max) violations.push({ field, constraints: [`at most ${max} characters (got ${value.length})`] });
    else if (!PRINTABLE.test(value)) violations.push({ field, constraints: ['printable ASCII without spaces (! to ~)'] });
  };
  check('id', event.id, INGRESS_LIMITS.ID_CHARS);
  check('source', event.source, INGRESS_LIMITS.SOURCE_CHARS);
  return violations;
}
