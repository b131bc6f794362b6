import { InvalidMessageError } from '../errors/api-errors';
import { createCloudEvent, parseCloudEvent } from './cloud-event';

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
