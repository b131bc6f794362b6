import type { AskCallOptions, MessageSender, SendOptions, SendOrigin } from './runtime/message-sender';

/** A handle on an actor address for code outside actors (gateway, tests, other Nest providers). */
export class ActorRef {
  /** @internal use `ActorRuntime#ref` or `WarrenClient#ref` */
  constructor(
    readonly address: string,
    private readonly sender: MessageSender,
    private readonly origin: SendOrigin,
  ) {}

  /** Persistent and publisher-confirmed: resolves when the broker has the message. */
  tell(message: object, options?: SendOptions): Promise<void> {
    return this.sender.tell(this.address, message, this.origin, options);
  }

  /** One reply within the timeout, or a typed error (`AskTimeoutError`, the handler's own error class and code). */
  ask<R = unknown>(message: object, options?: AskCallOptions): Promise<R> {
    return this.sender.ask<R>(this.address, message, this.origin, options);
  }

  /** The parts of a streamed reply, in order; ends at the end marker, throws the handler's error. */
  askStream<R = unknown, E = unknown>(message: object, options?: AskCallOptions): AsyncGenerator<R, E | undefined> {
    return this.sender.askStream<R, E>(this.address, message, this.origin, options);
  }
}
