import type { DeadLetterStatus } from '../ports/dead-letter.port';
import { StatusMachine } from './status-machine';

/** Dead letter lifecycle: an operator replays or discards an open dead letter, once. */
export const DEAD_LETTER_TRANSITIONS = new StatusMachine<DeadLetterStatus>('dead letter', {
  open: ['replayed', 'discarded'],
  replayed: [],
  discarded: [],
});
