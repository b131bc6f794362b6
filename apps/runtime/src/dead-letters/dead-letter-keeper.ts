import type { RuntimeLogger } from '@warren/actors';
import type { DeadLetterConsumer, DeadLetterHandler, DeadLetterMessage } from '@warren/amqp';
import { WARREN_ERROR_CODES, WarrenError } from '@warren/contracts';
import type { DeadLetterStore, NewDeadLetter } from '@warren/store';
import { type CompensationNotice, compensationNotice, type NoticeRouting } from './compensation-notice';
import { attemptCount, toNewDeadLetter } from './dead-letter-record';

/** What the keeper needs from the broker (AmqpTransport fits). */
export interface KeeperTransport {
  consumeDeadLetters(
    handler: DeadLetterHandler,
    options: { prefetch?: number; onError?: (error: unknown) => void },
  ): Promise<DeadLetterConsumer>;
  knowsActorType(type: string): boolean;
}

/** Tells a compensation notice (an `ActorRef#tell` with the given message and task ids). */
export type NoticeTeller = (to: string, notice: CompensationNotice) => Promise<void>;

/** Options of the keeper. */
export interface DeadLetterKeeperOptions {
  /** Dead letters in flight at once (the consumer's prefetch). @default 100 */
  prefetch?: number;
  /** Actor types that handle `DeadLettered`; a notice for another type is not sent. @default every known type */
  compensates?: (type: string) => boolean;
}

/** A stored envelope larger than this (UTF-8 JSON) is replaced by a preview when the store refuses the whole record. */
const PREVIEW_CHARS = 16_384;

/**
 * The dead-letter keeper: consumes `warren.dead` (each runtime node runs one; they compete), and
 * for every message: records it in `dead_letters` (`insertIfAbsent`: a redelivery finds the record),
 * THEN tells the compensation notice (`DeadLettered`, id `dl:<dead message id>`, so a second
 * telling is dropped by the receiver's processed-id check), THEN acks. A crash anywhere in between
 * redelivers the message and repeats the same steps: nothing is lost, nothing is recorded twice.
 */
export class DeadLetterKeeper {
  private consumer: DeadLetterConsumer | undefined;

  constructor(
    private readonly transport: KeeperTransport,
    private readonly store: { deadLetters: DeadLetterStore },
    private readonly tell: NoticeTeller,
    private readonly log: RuntimeLogger,
    private readonly options: DeadLetterKeeperOptions = {},
  ) {}

  /** Starts consuming `warren.dead` (again after each reconnection, until the transport closes). */
  async start(): Promise<void> {
    this.consumer ??= await this.transport.consumeDeadLetters((m) => this.keep(m), {
      prefetch: this.options.prefetch ?? 100,
      onError: (err) => this.log.warn({ err }, 'dead letter not kept yet; it goes back to warren.dead and is tried again'),
    });
  }

  /** Stops consuming; unacked dead letters go back to the queue. */
  async stop(): Promise<void> {
    const c = this.consumer;
    this.consumer = undefined;
    await c?.close();
  }

  /** Records one dead letter, then tells its compensation notice. Resolves when both are done (then it is acked). */
  async keep(message: DeadLetterMessage): Promise<void> {
    const letter = toNewDeadLetter(message);
    const { inserted } = await this.insert(letter);
    const routing: NoticeRouting = {
      knowsType: (type) => this.transport.knowsActorType(type),
      ...(this.options.compensates ? { compensates: this.options.compensates } : {}),
    };
    // Built from the message, not the stored record: a redelivery tells exactly the same notice.
    const notice = compensationNotice(letter, attemptCount(message, letter), routing);
    if (inserted) {
      this.log.debug(
        { messageId: letter.messageId, address: letter.address, code: letter.errorCode, compensatedBy: notice?.to },
        'dead letter recorded',
      );
    }
    if (notice) await this.tell(notice.to, notice);
  }

  private async insert(letter: NewDeadLetter): Promise<{ inserted: boolean }> {
    try {
      return await this.store.deadLetters.insertIfAbsent(letter);
    } catch (error) {
      if (!(error instanceof WarrenError) || error.code !== WARREN_ERROR_CODES.DOCUMENT_TOO_LARGE) throw error;
      // Too large to keep whole: keep a preview rather than lose it (or retry it forever).
      const text = typeof letter.envelope === 'string' ? letter.envelope : JSON.stringify(letter.envelope);
      this.log.warn(
        { messageId: letter.messageId, chars: text.length },
        'dead letter too large for the store; its envelope is kept as a preview',
      );
      return this.store.deadLetters.insertIfAbsent({
        ...letter,
        envelope: { truncated: true, preview: text.slice(0, PREVIEW_CHARS) },
        attempts: letter.attempts.map((a) => ({ ...a, stackHead: a.stackHead?.slice(0, 500) })),
      });
    }
  }
}
