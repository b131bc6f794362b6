import { WARREN_HEADERS } from '@warren/contracts';
import type { DeadLetterRecord } from '@warren/store';
import { buildReplay, replayHeaders, replayIdFor } from './replay-message';

const base = {
  messageId: 'm1',
  taskId: 't1',
  envelope: { specversion: '1.0', id: 'm1', source: 'rtc://edge', type: 'warren.session.message', data: { text: 'hi' } },
  headers: {
    [WARREN_HEADERS.TASK_ID]: 't1',
    [WARREN_HEADERS.SENDER]: 'rtc://edge',
    traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01',
    [WARREN_HEADERS.ERROR]: { code: 'WARREN_HANDLER_FAILED' },
    [WARREN_HEADERS.ATTEMPT]: 3,
    'x-death': [{ count: 1 }],
    'x-first-death-queue': 'q',
    'x-last-death-reason': 'delivery_limit',
    'x-delivery-count': 20,
    'x-warren-origin-exchange': 'warren.actors.session',
    'x-warren-origin-routing-key': 'dev~s1',
    'x-warren-origin-queue': 'warren.session.shard.1',
    [WARREN_HEADERS.REPLAY_OF]: 'older',
  },
} satisfies Partial<DeadLetterRecord>;

describe('replayHeaders()', () => {
  it("keeps the message's headers, drops the failure's, keeps the task id and links the replay to the dead letter", () => {
    expect(replayHeaders(base)).toEqual({
      [WARREN_HEADERS.TASK_ID]: 't1',
      [WARREN_HEADERS.SENDER]: 'rtc://edge',
      traceparent: base.headers.traceparent,
      [WARREN_HEADERS.REPLAY_OF]: 'm1',
    });
  });

  it('takes the task id from the record when the headers lost it', () => {
    expect(replayHeaders({ messageId: 'm1', taskId: 't9', headers: {} })).toEqual({
      [WARREN_HEADERS.TASK_ID]: 't9',
      [WARREN_HEADERS.REPLAY_OF]: 'm1',
    });
  });
});

describe('buildReplay()', () => {
  it('is the stored CloudEvent with the new id (and new data for an edit)', () => {
    const replay = buildReplay(base, 'new-1');
    expect(replay).toMatchObject({
      exchange: 'warren.actors.session',
      routingKey: 'dev~s1',
      messageId: 'new-1',
      type: 'warren.session.message',
    });
    expect(JSON.parse(replay?.body.toString() ?? '')).toEqual({ ...base.envelope, id: 'new-1' });
    const edited = buildReplay(base, 'new-2', { text: 'fixed' });
    expect(JSON.parse(edited?.body.toString() ?? '')).toEqual({ ...base.envelope, id: 'new-2', data: { text: 'fixed' } });
  });

  it('is undefined without an envelope or a destination', () => {
    expect(buildReplay({ ...base, envelope: 'not json' }, 'x')).toBeUndefined();
    expect(buildReplay({ messageId: 'm', envelope: base.envelope, headers: {} }, 'x')).toBeUndefined();
  });
});

describe('replayIdFor()', () => {
  const record = { messageId: 'm1', replayedAs: [] as string[], envelope: base.envelope };

  it('is the same for the same record, replay number and data (a repeated replay is the same message)', () => {
    const id = replayIdFor(record);
    expect(id).toMatch(/^replay-1-[A-Za-z0-9_-]{22}$/);
    expect(replayIdFor({ ...record })).toBe(id);
    expect(replayIdFor(record, { text: 'hi' })).toBe(id); // the stored data, given as an edit
  });

  it('changes with the replay number, the data and the dead message', () => {
    const id = replayIdFor(record);
    expect(replayIdFor({ ...record, replayedAs: [id] })).toMatch(/^replay-2-/);
    expect(replayIdFor(record, { text: 'hello' })).not.toBe(id);
    expect(replayIdFor({ ...record, messageId: 'm2' })).not.toBe(id);
  });

  it('fits an AMQP message-id whatever the dead message id', () => {
    expect(Buffer.byteLength(replayIdFor({ ...record, messageId: 'x'.repeat(512) }))).toBeLessThanOrEqual(255);
    expect(replayIdFor({ messageId: 'm1', replayedAs: [], envelope: null })).toMatch(/^replay-1-/);
  });
});
