// The recorder actors of the dead-letter admin e2e, and the dead letters the keeper would have
// recorded for them: what a replay must bring back, in order.
import { randomUUID } from 'node:crypto';
import { Actor, type ActorContext, Handle } from '@warren/actors';
import { Message, WARREN_HEADERS } from '@warren/contracts';
import type { NewDeadLetter } from '@warren/store';
import { IsInt, IsString } from 'class-validator';

/** When the dead letters' messages were sent (`deadLetter(n)` is at T0 + n ms). */
export const T0 = Date.parse('2026-01-01T00:00:00Z');

@Message('test.dl-admin.record')
export class RecordValue {
  @IsString() value!: string;
  @IsInt() seq!: number;
}

export interface Seen {
  address: string;
  seq: number;
  value: string;
  messageId: string;
  taskId: string | undefined;
  replayOf: string | undefined;
}
export const seen: Seen[] = [];
function record(msg: RecordValue, ctx: ActorContext): void {
  seen.push({ address: ctx.self, seq: msg.seq, value: msg.value, messageId: ctx.messageId, taskId: ctx.taskId, replayOf: ctx.replayOf });
}

/** Records what it receives, in the order it handles it (one message at a time per address). */
@Actor('recorder')
export class Recorder {
  @Handle(RecordValue)
  handle(msg: RecordValue, ctx: ActorContext): void {
    record(msg, ctx);
  }
}

/** The same, for the bulk replay (its own actor type, so filters keep the two apart). */
@Actor('bulkrec')
export class BulkRecorder {
  @Handle(RecordValue)
  handle(msg: RecordValue, ctx: ActorContext): void {
    record(msg, ctx);
  }
}

/** A dead letter for `address` as the keeper would record it (message sent at T0 + n ms). */
export function deadLetter(n: number, over: Partial<NewDeadLetter> & { address: string; value?: string; seq?: number }): NewDeadLetter {
  const id = over.messageId ?? `dl-${randomUUID()}`;
  const taskId = over.taskId ?? `task-${id}`;
  const at = new Date(T0 + n);
  const [actorType] = over.address.split('/');
  const { value, seq, ...rest } = over;
  return {
    messageId: id,
    actorType: actorType as string,
    taskId,
    tenant: 'dev',
    errorCode: 'WARREN_HANDLER_FAILED',
    errorClass: 'Error',
    errorMessage: `boom ${n}`,
    handler: 'handle',
    node: 'node-1',
    sender: 'rtc://edge-1',
    firstFailureAt: at,
    lastFailureAt: at,
    envelope: {
      specversion: '1.0',
      id,
      source: 'test/dl-admin',
      type: 'test.dl-admin.record',
      data: { value: value ?? `v${n}`, seq: seq ?? n },
    },
    headers: {
      [WARREN_HEADERS.TASK_ID]: taskId,
      [WARREN_HEADERS.SENDER]: 'rtc://edge-1',
      [WARREN_HEADERS.TARGET]: over.address,
      [WARREN_HEADERS.ERROR]: { code: 'WARREN_HANDLER_FAILED', class: 'Error', message: `boom ${n}` },
      'x-warren-attempts': [{ code: 'WARREN_HANDLER_FAILED' }],
      'x-death': [{ count: 1, reason: 'rejected' }],
      'x-first-death-queue': 'warren.recorder.shard.0',
      'x-delivery-count': 3,
      'x-keep-me': 'yes',
    },
    attempts: [
      {
        at,
        code: 'WARREN_HANDLER_FAILED',
        errorClass: 'Error',
        message: `boom ${n}`,
        stackHead: 'Error: boom\n    at handle',
        handler: 'handle',
      },
      { at, code: 'WARREN_HANDLER_FAILED', errorClass: 'Error', message: `boom ${n}`, handler: 'handle' },
    ],
    at,
    ...rest,
  };
}
