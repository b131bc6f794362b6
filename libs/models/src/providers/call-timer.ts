/** Which deadline ended a call. */
export type TimeoutKind = 'first-byte' | 'idle';

/**
 * The abort controller of one HTTP call: aborted when the caller's signal aborts, or when the
 * armed deadline passes (then `expired` says which). `dispose()` clears the timer and the link.
 */
export class CallTimer {
  readonly controller = new AbortController();
  expired: TimeoutKind | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly onCallerAbort = () => this.controller.abort(this.caller.reason);

  constructor(private readonly caller: AbortSignal) {
    if (caller.aborted) this.controller.abort(caller.reason);
    else caller.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** (Re)starts the deadline: `ms` from now the call is aborted as `kind`. */
  arm(ms: number, kind: TimeoutKind): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.expired = kind;
      this.controller.abort(new Error(`${kind} timeout of ${ms} ms`));
    }, ms);
  }

  /** Stops the deadline (while the caller, not the server, is the one taking time). */
  disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Aborts the call now (ends the HTTP request) and frees everything. */
  dispose(): void {
    clearTimeout(this.timer);
    this.caller.removeEventListener('abort', this.onCallerAbort);
    if (!this.controller.signal.aborted) this.controller.abort(new Error('call finished'));
  }
}
