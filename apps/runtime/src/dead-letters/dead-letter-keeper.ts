import type { RuntimeLogger } from '@warren/actors';
import type { DeadLetterConsumer, DeadLetterHandler, DeadLetterMessage } from '@warren/amqp';
import { WARREN_ERROR_CODES, WarrenError } from '@warren/contracts';
import type { DeadLetterStore, NewDeadLetter } from '@warren/store';
import { type CompensationNotice, compensationNotice, type NoticeRouting } from './compensation-notice';
import { attemptCount, toNewDeadLetter } from './dead-letter-record';
import { QUARANTINE_PREVIEW_BYTES, quarantinedRecord } from './quarantine';

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
  /** Called once per dead letter recorded (not for a redelivery of one already kept): metrics. @default none */
  onRecorded?: (errorCode: string, actorType: string) => void;
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
    let letter: NewDeadLetter | undefined;
    try {
      letter = toNewDeadLetter(message);
    } catch (error) {
      // Nothing the keeper can read: keep the bytes rather than retry them forever.
      const kept = await this.quarantine(message, undefined, error);
      if (kept.inserted) this.options.onRecorded?.(WARREN_ERROR_CODES.INVALID_MESSAGE, 'unknown');
      return;
    }
    const stored = await this.insert(message, letter);
    const routing: NoticeRouting = {
      knowsType: (type) => this.transport.knowsActorType(type),
      ...(this.options.compensates ? { compensates: this.options.compensates } : {}),
    };
    // Built from the message, not the stored record: a redelivery tells exactly the same notice.
    const notice = compensationNotice({ ...letter, messageId: stored.messageId }, attemptCount(message, letter), routing);
    if (stored.inserted) {
      this.options.onRecorded?.(letter.errorCode, letter.actorType);
      this.log.debug(
        { messageId: stored.messageId, address: letter.address, code: letter.errorCode, compensatedBy: notice?.to },
        'dead letter recorded',
      );
    }
    // A failed tell is thrown (the message goes back to warren.dead after a backoff): the target
    // type may not be hosted yet at start-up. Nothing in the notice comes from the message
    // unchecked (its id is derived safely), so no input makes it fail for good.
    if (notice) await this.tell(notice.to, notice);
  }

  /**
   * Inserts the record. A store outage (a retryable error) is thrown: the message goes back to
   * `warren.dead` after a backoff. A record too large keeps a preview of its envelope. A record the
   * store refuses for what it is (invalid address or id, or anything not retryable) is kept as a
   * quarantined record (`QUARANTINED_CLASS`) with the raw body and headers, never retried forever.
   */
  private async insert(message: DeadLetterMessage, letter: NewDeadLetter): Promise<{ inserted: boolean; messageId: string }> {
    try {
      return { inserted: (await this.store.deadLetters.insertIfAbsent(letter)).inserted, messageId: letter.messageId };
    } catch (error) {
      if (isOutage(error)) throw error;
      if (error instanceof WarrenError && error.code === WARREN_ERROR_CODES.DOCUMENT_TOO_LARGE) {
        try {
          return { inserted: (await this.insertPreview(letter)).inserted, messageId: letter.messageId };
        } catch (again) {
          if (isOutage(again)) throw again;
          return this.quarantine(message, letter, again);
        }
      }
      return this.quarantine(message, letter, error);
    }
  }

  /** Too large to keep whole: keep a preview rather than lose it (or retry it forever). */
  private insertPreview(letter: NewDeadLetter): Promise<{ inserted: boolean }> {
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

  /** Records the message as quarantined; a failure here is the store's (thrown: retried with backoff). */
  private async quarantine(
    message: DeadLetterMessage,
    letter: NewDeadLetter | undefined,
    refusal: unknown,
  ): Promise<{ inserted: boolean; messageId: string }> {
    const reason = refusal instanceof Error ? `${refusal.name}: ${refusal.message}` : String(refusal);
    let record = quarantinedRecord(message, letter, reason);
    let result: { inserted: boolean };
    try {
      result = await this.store.deadLetters.insertIfAbsent(record);
    } catch (error) {
      if (!(error instanceof WarrenError && error.code === WARREN_ERROR_CODES.DOCUMENT_TOO_LARGE)) throw error;
      record = quarantinedRecord(message, letter, reason, QUARANTINE_PREVIEW_BYTES);
      result = await this.store.deadLetters.insertIfAbsent(record);
    }
    if (result.inserted) {
      this.log.warn(
        { messageId: record.messageId, reason, routingKey: message.fields.routingKey },
        'dead letter quarantined: the store refused its record; kept with its raw body and headers',
      );
    }
    return { inserted: result.inserted, messageId: record.messageId };
  }
}

/** A store that is down (or busy) says so with a retryable error; anything else is a refusal of this record. */
function isOutage(error: unknown): boolean {
  return error instanceof WarrenError && error.retryable;
}
