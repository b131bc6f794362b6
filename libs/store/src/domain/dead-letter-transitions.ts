import type { DeadLetterStatus } from '../ports/dead-letter.port';
import { StatusMachine } from './status-machine';

/**
 * Dead letter lifecycle. An operator replays or discards an open dead letter; a replayed one may
 * be replayed again (a forced replay: the admin API asks for `--force`, the store allows it) or
 * discarded; a discarded one may be restored to `open` until retention purges it.
 */
export const DEAD_LETTER_TRANSITIONS = new StatusMachine<DeadLetterStatus>('dead letter', {
  open: ['replayed', 'discarded'],
  replayed: ['replayed', 'discarded'],
  discarded: ['open'],
});
