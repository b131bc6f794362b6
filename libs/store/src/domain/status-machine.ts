import { InvalidOptionsError, InvalidTransitionError } from '@warren/contracts';

/**
 * A lifecycle as a table of allowed moves. Staying in the same status is always allowed:
 * it is how a redelivered update (or one that only adds steps) is applied again harmlessly.
 */
export class StatusMachine<S extends string> {
  readonly statuses: readonly S[];

  constructor(
    readonly entity: string,
    private readonly moves: Readonly<Record<S, readonly S[]>>,
  ) {
    this.statuses = Object.keys(moves) as S[];
  }

  /** True for a status of this lifecycle. */
  isStatus(value: unknown): value is S {
    return typeof value === 'string' && Object.hasOwn(this.moves, value);
  }

  /** Throws `InvalidOptionsError` unless `value` is a status of this lifecycle. */
  assertStatus(value: unknown): S {
    if (!this.isStatus(value)) throw new InvalidOptionsError('status', `must be one of ${this.statuses.join(', ')}`);
    return value;
  }

  /** True when `from → to` is allowed. */
  canMove(from: S, to: S): boolean {
    return from === to || this.moves[from].includes(to);
  }

  /** Throws `InvalidTransitionError` unless `from → to` is allowed. */
  assertMove(from: S, to: S): void {
    if (!this.canMove(from, to)) throw new InvalidTransitionError(this.entity, from, to);
  }

  /** Every status from which `to` may be reached: the filter of an atomic compare-and-set update. */
  sourcesOf(to: S): S[] {
    return this.statuses.filter((from) => this.canMove(from, to));
  }
}
