// The gateway's session event streams (SSE) in-process against the real broker: filtered by tenant
// and task, heartbeats, unbinding; and POST and SSE through a broker outage.
import { execFileSync } from 'node:child_process';
import { AmqpTransport } from '@warren/amqp';
import { SessionEventHub } from '../apps/gateway/src/events/session-event-hub';
import { closeVhostConnections, eventually } from './support/broker';
import { auth, useGatewayE2e } from './support/gateway-e2e';
import { DEV, OTHER } from './support/gateway-in-process';

const { g, post, received, publishEvent, openEvents, openPublisher } = useGatewayE2e('gateway-events');

describe('GET /v1/sessions/:sessionId/events', () => {
  test("streams the session's events of the key's tenant only, with heartbeats, and unbinds when the client leaves", async () => {
    const hub = g.app.get(SessionEventHub);
    const dev = await openEvents('/v1/sessions/s1/events', DEV);
    const other = await openEvents('/v1/sessions/s1/events', OTHER);
    expect(dev.res.status).toBe(200);
    expect(dev.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await publishEvent('session.s1.delta', 'session/dev~s1', 'ev-1', { taskId: 't1', seq: 0, text: 'Hel' }, 't1');
    await publishEvent('session.s1.reply', 'session/other~s1', 'ev-other', { taskId: 't9', text: 'not for dev' }, 't9');
    await publishEvent('session.s2.reply', 'session/dev~s2', 'ev-s2', { taskId: 't2', text: 'another session' }, 't2');
    await publishEvent('session.s1.reply', 'session/dev~s1', 'ev-2', { taskId: 't1', text: 'Hello' }, 't1');
    // A stream gets its events in publish order: once a stream has the last event published for
    // it (a marker for other~s1), anything wrongly sent to it before would be there too.
    await publishEvent('session.s1.reply', 'session/other~s1', 'ev-other-end', { taskId: 't9', text: 'marker' }, 't9');
    await eventually(() => dev.events().some((f) => f.id === 'ev-2'), 'the last event of dev~s1');
    await eventually(() => other.events().some((f) => f.id === 'ev-other-end'), 'the marker of other~s1');
    await eventually(() => dev.frames.some((f) => f.comment === 'heartbeat'), 'a heartbeat');
    expect(dev.events()).toEqual([
      { id: 'ev-1', event: 'delta', data: { taskId: 't1', seq: 0, text: 'Hel' } },
      { id: 'ev-2', event: 'reply', data: { taskId: 't1', text: 'Hello' } },
    ]);
    expect(other.events()).toEqual([
      { id: 'ev-other', event: 'reply', data: { taskId: 't9', text: 'not for dev' } },
      { id: 'ev-other-end', event: 'reply', data: { taskId: 't9', text: 'marker' } },
    ]);
    expect(hub.size).toBe(2);
    dev.close();
    other.close();
    await eventually(() => hub.size === 0, 'the watchers to leave');
  });

  test('?taskId= keeps only that task', async () => {
    const one = await openEvents('/v1/sessions/s3/events?taskId=t-a', DEV);
    await publishEvent('session.s3.delta', 'session/dev~s3', 'ev-b', { taskId: 't-b', seq: 0, text: 'b' }, 't-b');
    await publishEvent('session.s3.delta', 'session/dev~s3', 'ev-a', { taskId: 't-a', seq: 0, text: 'a' }, 't-a');
    // ev-b was published first: once ev-a is there, ev-b would be too had it not been filtered out.
    await eventually(() => one.events().some((f) => f.id === 'ev-a'), 'the event of t-a');
    expect(one.events().map((f) => f.id)).toEqual(['ev-a']);
    one.close();
  });

  test('401 without a key and 400 for a bad session id, as problem details', async () => {
    const res = await fetch(`${g.base}/v1/sessions/s1/events`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const bad = await fetch(`${g.base}/v1/sessions/a.b/events`, { headers: auth(DEV) });
    expect(bad.status).toBe(400);
  });
});

describe('broker outage', () => {
  const guest = decodeURIComponent(new URL(g.vhost.url).username || 'guest');
  const rabbitmqctl = (...args: string[]) => execFileSync('rabbitmqctl', ['-q', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });

  test('POST answers 503 WARREN_BROKER_UNAVAILABLE while the broker is out of reach; then the SSE subscription and POST work again', async () => {
    const stream = await openEvents('/v1/sessions/rc1/events', DEV);
    const transport = g.app.get(AmqpTransport);
    try {
      // Refuse reconnections, then drop every connection of the g.vhost.
      rabbitmqctl('clear_permissions', '-p', g.vhost.name, guest);
      closeVhostConnections(g.vhost.name);
      await eventually(() => !transport.connected, 'the gateway to notice the drop');
      const res = await post('rc1', { text: 'during the outage' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(((await res.json()) as { code: string }).code).toBe('WARREN_BROKER_UNAVAILABLE');
    } finally {
      rabbitmqctl('set_permissions', '-p', g.vhost.name, guest, '.*', '.*', '.*');
    }
    await eventually(() => transport.connected, 'the gateway to reconnect', 20_000);
    g.ch = await openPublisher();
    await publishEvent('session.rc1.reply', 'session/dev~rc1', 'ev-after', { taskId: 't-rc', text: 'back' }, 't-rc');
    await eventually(() => stream.events().some((f) => f.id === 'ev-after'), 'the event after the reconnection');
    const again = await post('rc1', { text: 'after the outage' });
    expect(again.status).toBe(202);
    const { taskId } = (await again.json()) as { taskId: string };
    await eventually(
      async () => (await received('session/dev~rc1').catch(() => [])).some((r) => r.messageId === taskId),
      'the message after the outage',
      20_000,
    );
    stream.close();
  });
});
