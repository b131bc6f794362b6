import { InvalidMessageError } from '../errors/api-errors';
import { createCloudEvent, parseCloudEvent, textAttributeProblem } from './cloud-event';
import { INGRESS_LIMITS, ingressEnvelopeViolations } from './ingress-envelope';
import { digestMessageId, isUsableMessageId, safeMessageId } from './message-id';

const rejection = (body: Buffer | string): InvalidMessageError => {
  try {
    parseCloudEvent(body);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMessageError);
    return error as InvalidMessageError;
  }
  throw new Error('expected parseCloudEvent to throw');
};

const valid = { specversion: '1.0', id: 'm1', type: 'demo.counter.add', source: 'rtc://edge-1', data: { by: 2 } };

describe('createCloudEvent()', () => {
  it('createCloudEvent() fills specversion, time and the JSON content type', () => {
    const before = Date.now();
    const event = createCloudEvent({ id: 'm1', source: 'warren://node/n1', type: 'demo.counter.add', data: { by: 2 } });
    expect(event).toEqual({
      specversion: '1.0',
      id: 'm1',
      source: 'warren://node/n1',
      type: 'demo.counter.add',
      time: expect.any(String),
      datacontenttype: 'application/json',
      data: { by: 2 },
    });
    const time = Date.parse(event.time as string);
    expect(time).toBeGreaterThanOrEqual(before - 1);
    expect(time).toBeLessThanOrEqual(Date.now() + 1);
    expect(event.time).toBe(new Date(time).toISOString());
  });

  it('createCloudEvent() uses the given time and subject', () => {
    const event = createCloudEvent({
      id: 'm1',
      source: 's',
      type: 'a.b',
      subject: 'counter/c1',
      time: new Date('2024-01-02T03:04:05.678Z'),
    });
    expect(event.time).toBe('2024-01-02T03:04:05.678Z');
    expect(event.subject).toBe('counter/c1');
  });

  it('createCloudEvent() leaves out data and subject when not given', () => {
    const event = createCloudEvent({ id: 'm1', source: 's', type: 'a.b' });
    expect('data' in event).toBe(false);
    expect('subject' in event).toBe(false);
  });

  it('createCloudEvent() keeps falsy data such as 0, "" and null', () => {
    expect(createCloudEvent({ id: 'm', source: 's', type: 'a.b', data: 0 }).data).toBe(0);
    expect(createCloudEvent({ id: 'm', source: 's', type: 'a.b', data: '' }).data).toBe('');
    expect(createCloudEvent({ id: 'm', source: 's', type: 'a.b', data: null }).data).toBeNull();
  });

  it('createCloudEvent() output parses back with parseCloudEvent()', () => {
    const event = createCloudEvent({ id: 'm1', source: 's', type: 'a.b', data: { x: [1] } });
    expect(parseCloudEvent(JSON.stringify(event))).toEqual(event);
  });
});

describe('parseCloudEvent()', () => {
  it('parseCloudEvent() accepts a valid event from a string or a Buffer and keeps extensions', () => {
    const body = { ...valid, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', warrentaskid: 't1' };
    expect(parseCloudEvent(JSON.stringify(body))).toEqual(body);
    expect(parseCloudEvent(Buffer.from(JSON.stringify(body), 'utf8'))).toEqual(body);
  });

  it('parseCloudEvent() accepts a UTF-8 Buffer with non-ASCII data', () => {
    const body = { ...valid, data: { text: 'grüß dich 👋' } };
    expect(parseCloudEvent(Buffer.from(JSON.stringify(body), 'utf8')).data).toEqual({ text: 'grüß dich 👋' });
  });

  it('parseCloudEvent() refuses a body that is not JSON', () => {
    const err = rejection('{"id": ');
    expect(err.code).toBe('WARREN_INVALID_MESSAGE');
    expect(err.message).toMatch(/^body is not JSON/);
    expect(rejection(Buffer.from('not json')).message).toMatch(/^body is not JSON/);
  });

  it.each([
    ['an array', '[1,2]'],
    ['null', 'null'],
    ['a string', '"event"'],
    ['a number', '42'],
  ])('parseCloudEvent() refuses %s as the body', (_name, body) => {
    expect(rejection(body).message).toBe('body is not a JSON object');
  });

  it.each(['id', 'type', 'source'])('parseCloudEvent() refuses a missing %s and names the field', (field) => {
    const { [field as 'id']: _omitted, ...rest } = valid;
    const err = rejection(JSON.stringify(rest));
    expect(err.violations).toEqual([{ field, constraints: ['must be a non-empty string'] }]);
    expect(err.message).toContain(field);
  });

  it.each([
    ['empty', ''],
    ['a number', 7],
    ['null', null],
  ])('parseCloudEvent() refuses an id that is %s', (_name, id) => {
    expect(rejection(JSON.stringify({ ...valid, id })).violations.map((v) => v.field)).toEqual(['id']);
  });

  it.each([['0.3'], [1], [undefined]])('parseCloudEvent() refuses specversion %p', (specversion) => {
    const err = rejection(JSON.stringify({ ...valid, specversion }));
    expect(err.violations).toEqual([{ field: 'specversion', constraints: ['must be "1.0"'] }]);
  });

  it('parseCloudEvent() lists every wrong field at once', () => {
    const err = rejection(JSON.stringify({ specversion: '0.3', data: {} }));
    expect(err.violations.map((v) => v.field)).toEqual(['specversion', 'id', 'type', 'source']);
    expect(err.message).toMatch(/^not a CloudEvent: specversion .*, id .*, type .*, source /);
  });
});

describe('parseCloudEvent() limits on what becomes an AMQP property, a header or a store key', () => {
  it('parseCloudEvent() accepts an id of exactly 255 bytes (the AMQP message-id limit) and refuses 256', () => {
    expect(parseCloudEvent(JSON.stringify({ ...valid, id: 'a'.repeat(255) })).id).toHaveLength(255);
    const err = rejection(JSON.stringify({ ...valid, id: 'a'.repeat(256) }));
    expect(err.violations).toEqual([{ field: 'id', constraints: ['must be at most 255 bytes of UTF-8 (got 256)'] }]);
  });

  it('parseCloudEvent() counts the id in UTF-8 bytes, not characters', () => {
    // 100 characters, 300 bytes: over the AMQP shortstr although short in characters.
    const err = rejection(JSON.stringify({ ...valid, id: '€'.repeat(100) }));
    expect(err.violations[0]?.constraints[0]).toMatch(/at most 255 bytes of UTF-8 \(got 300\)/);
  });

  it.each([
    ['a NUL', 'a\u0000b'],
    ['a newline', 'a\nb'],
    ['DEL', 'a\u007fb'],
    ['a C1 control', 'a\u0085b'],
  ])('parseCloudEvent() refuses an id with %s', (_name, id) => {
    expect(rejection(JSON.stringify({ ...valid, id })).violations).toEqual([
      { field: 'id', constraints: ['must not contain control characters'] },
    ]);
  });

  it('parseCloudEvent() refuses a lone surrogate (it would not survive UTF-8)', () => {
    expect(rejection('{"specversion":"1.0","id":"a\\ud800b","type":"t","source":"s"}').violations).toEqual([
      { field: 'id', constraints: ['must be well-formed Unicode'] },
    ]);
  });

  it('parseCloudEvent() refuses a type over 255 bytes and a source over 512 characters', () => {
    const err = rejection(JSON.stringify({ ...valid, type: 't'.repeat(256), source: 's'.repeat(513) }));
    expect(err.violations.map((v) => v.field)).toEqual(['type', 'source']);
  });

  it.each([
    ['subject', 5],
    ['subject', 'x'.repeat(513)],
    ['time', { at: 1 }],
    ['datacontenttype', ''],
  ])('parseCloudEvent() refuses a wrong %s when present', (field, value) => {
    expect(rejection(JSON.stringify({ ...valid, [field]: value })).violations.map((v) => v.field)).toEqual([field]);
  });

  it('textAttributeProblem() says why a value is unusable, undefined when it is fine', () => {
    expect(textAttributeProblem('ok', { maxChars: 2 })).toBeUndefined();
    expect(textAttributeProblem('abc', { maxChars: 2 })).toBe('must be at most 2 characters (got 3)');
    expect(textAttributeProblem(undefined, {})).toBe('must be a non-empty string');
  });
});

describe('message ids Warren derives', () => {
  it('safeMessageId() keeps a usable id and replaces an unusable one by a stable digest', () => {
    expect(safeMessageId('dl:m1')).toBe('dl:m1');
    const long = `dl:${'x'.repeat(255)}`;
    expect(safeMessageId(long)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(safeMessageId(long)).toBe(safeMessageId(long));
    expect(safeMessageId('a\nb')).toMatch(/^sha256:/);
    expect(isUsableMessageId(safeMessageId(long))).toBe(true);
  });

  it('digestMessageId() separates its parts, so ("ab", "c") and ("a", "bc") differ', () => {
    expect(digestMessageId('ab', 'c')).not.toBe(digestMessageId('a', 'bc'));
    expect(digestMessageId(Buffer.from('ab'))).toBe(digestMessageId('ab'));
  });
});

describe('ingressEnvelopeViolations()', () => {
  it('accepts a UUID id and a URI source', () => {
    expect(ingressEnvelopeViolations({ id: '6f1c2a8e-3b7d-4e51-9a0c-2d4b8f7e1a93', source: 'rtc://edge-1' })).toEqual([]);
  });

  it(`refuses an id over ${INGRESS_LIMITS.ID_CHARS} characters, with spaces or outside ASCII, and a long source`, () => {
    expect(ingressEnvelopeViolations({ id: 'a'.repeat(129), source: 's' })).toEqual([
      { field: 'id', constraints: ['at most 128 characters (got 129)'] },
    ]);
    expect(ingressEnvelopeViolations({ id: 'a b', source: 's' })[0]?.field).toBe('id');
    expect(ingressEnvelopeViolations({ id: 'grüß', source: 's' })[0]?.field).toBe('id');
    expect(ingressEnvelopeViolations({ id: 'a', source: 's'.repeat(257) })[0]?.field).toBe('source');
  });
});
