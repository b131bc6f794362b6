// A user's settings over HTTP (GET/PATCH/DELETE /v1/users/:userId/settings, tenant key), validated and in
// the OpenAPI document, and taken into account by the next turn (tags route it, the locale is its language)
// and the next proactive message (opt-outs, quiet hours). The all-in-one app, with a second local model
// endpoint (`kind: local`) that the routing rules send the profile tag `vip` to.
import { createHash } from 'node:crypto';
import { eventually, useVhost } from './support/broker';
import { startSystem, type TestSystem } from './support/system';

const vhost = useVhost('user-settings');
const sha256 = (key: string) => `sha256:${createHash('sha256').update(key).digest('hex')}`;
let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem('warren', vhost.url, {
    WARREN__GATEWAY__TENANTS: JSON.stringify({ dev: { apiKeys: [sha256('dev-key')] }, acme: { apiKeys: [sha256('acme-key')] } }),
    WARREN__MODELS__ENDPOINTS: JSON.stringify({
      'vip-model': { kind: 'local', latencyMs: 1, perDeltaMs: 0, replies: [{ when: '.', say: 'Welcome back, valued customer.' }] },
    }),
    WARREN__ROUTING__STRATEGIES: JSON.stringify({
      entry: { kind: 'rules', rules: [{ name: 'vip', when: { tags: ['vip'] }, use: 'vip-model' }], otherwise: 'local' },
    }),
    WARREN__ROUTING__DEFAULT: 'entry',
    WARREN__SCHEDULER__POLL_INTERVAL_MS: '100',
  });
});

type Json = Record<string, unknown>;
async function http(method: string, path: string, body?: object, key = 'dev-key'): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${sys.app.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}

/** Sends a message over HTTP and waits for its end (reply, failed or interrupted). */
async function turn(sessionId: string, text: string, userId: string) {
  const posted = await http('POST', `/v1/sessions/${sessionId}/messages`, { text, userId });
  expect(posted.status).toBe(202);
  const taskId = posted.body.taskId as string;
  return { taskId, end: await sys.tap.waitForEnd(taskId) };
}

type IntentState = { decisions?: { reminderId: string; decision: string; reason?: string }[] };
const decisionsOf = async (address: string) => (await sys.store.actors.load<IntentState>(address)).state?.decisions ?? [];

describe('GET/PATCH/DELETE /v1/users/:userId/settings', () => {
  it('reads the defaults, changes only what is given, removes with null, and resets', async () => {
    expect(await http('GET', '/v1/users/u-a/settings')).toEqual({
      status: 200,
      body: {
        userId: 'u-a',
        tags: [],
        locale: null,
        timeZone: null,
        proactive: { optOut: false, optOutOf: [], quietHours: null },
        updatedAt: null,
      },
    });
    const first = await http('PATCH', '/v1/users/u-a/settings', {
      tags: ['vip', 'sports'],
      locale: 'fr-CA',
      timeZone: 'Europe/Paris',
      proactive: { optOutOf: ['idleAfterQuestion'], quietHours: { start: '22:00', end: '07:00' } },
    });
    expect(first).toMatchObject({
      status: 200,
      body: {
        tags: ['vip', 'sports'],
        locale: 'fr-CA',
        timeZone: 'Europe/Paris',
        proactive: { optOut: false, optOutOf: ['idleAfterQuestion'], quietHours: { start: '22:00', end: '07:00' } },
        updatedAt: expect.any(String),
      },
    });
    const second = await http('PATCH', '/v1/users/u-a/settings', { locale: null, proactive: { optOut: true, quietHours: null } });
    expect(second.body).toMatchObject({
      tags: ['vip', 'sports'],
      locale: null,
      timeZone: 'Europe/Paris',
      proactive: { optOut: true, optOutOf: ['idleAfterQuestion'], quietHours: null },
    });
    expect((await http('GET', '/v1/users/u-a/settings')).body).toEqual(second.body);
    // The store holds them as the runtime reads them.
    expect(await sys.store.profiles.get('dev', 'u-a')).toMatchObject({
      optOuts: ['proactive', 'idleAfterQuestion'],
      timeZone: 'Europe/Paris',
    });
    // Another tenant's user of the same id is another user.
    expect((await http('GET', '/v1/users/u-a/settings', undefined, 'acme-key')).body).toMatchObject({ tags: [], updatedAt: null });
    expect((await http('DELETE', '/v1/users/u-a/settings')).status).toBe(204);
    expect((await http('GET', '/v1/users/u-a/settings')).body).toMatchObject({ tags: [], updatedAt: null });
  });

  it.each([
    [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ locale: 'english!!' }, 'locale'],
    [{ tags: ['ok', ''] }, 'tags'],
    [{ tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }, 'tags'],
    [{ proactive: { quietHours: { start: '25:00', end: '07:00' } } }, 'proactive.quietHours.start'],
    [{ proactive: { optOut: 'yes' } }, 'proactive.optOut'],
    [{ proactive: { optOutOf: ['not a rule!'] } }, 'proactive.optOutOf'],
    [{ proactive: { mute: true } }, 'proactive.mute'],
    [{ nickname: 'x' }, 'nickname'],
  ])('PATCH %j is 400 WARREN_INVALID_MESSAGE naming %s, and changes nothing', async (body, field) => {
    const res = await http('PATCH', '/v1/users/u-bad/settings', body);
    expect(res.status).toBe(400);
    const error = res.body as { code: string; fields: { field: string }[] };
    expect(error.code).toBe('WARREN_INVALID_MESSAGE');
    expect(error.fields.map((f) => f.field)).toContain(field);
    expect(await sys.store.profiles.get('dev', 'u-bad')).toBeUndefined();
  });

  it('needs a tenant key, and is in the OpenAPI document', async () => {
    expect((await fetch(`${sys.app.url}/v1/users/u-a/settings`)).status).toBe(401);
    const doc = (await (await fetch(`${sys.app.url}/docs-json`)).json()) as { paths: Record<string, object> };
    expect(Object.keys(doc.paths['/v1/users/{userId}/settings'] ?? {}).sort()).toEqual(['delete', 'get', 'patch']);
  });
});

describe('the next turn and the next proactive message use them', () => {
  it('tags route the next turn (vip → vip-model), the locale is its language; a short text does not switch it', async () => {
    const before = await turn('set-turn', 'hello I am a vip', 'u-turn');
    // Without a locale, a short mixed text is no language at all (it used to be Italian): the greeting's own, English.
    expect(before.end.event.data).toMatchObject({ text: 'Hello! You said you are a vip. Tell me more.', model: 'local' });
    expect(before.end.event.data).not.toHaveProperty('language');

    await http('PATCH', '/v1/users/u-turn/settings', { tags: ['vip'], locale: 'fr' });
    const after = await turn('set-turn', 'hello again', 'u-turn');
    expect(after.end.event.data).toMatchObject({ text: 'Welcome back, valued customer.', model: 'vip-model', language: 'fr' });
    expect((await sys.store.tasks.get(after.taskId))?.routing).toMatchObject({ endpoint: 'vip-model', languageSource: 'profile' });

    await http('PATCH', '/v1/users/u-turn/settings', { tags: [] });
    const french = await turn('set-turn', 'hello', 'u-turn');
    expect(french.end.event.data).toMatchObject({ text: 'Bonjour ! Comment puis-je vous aider ?', model: 'local', language: 'fr' });
  });

  it('an opt-out set over HTTP stops the next reminder; quiet hours set over HTTP defer one', async () => {
    await http('PATCH', '/v1/users/u-opt/settings', { proactive: { optOut: true } });
    const { taskId } = await turn('set-opt', 'remind me in 1 second to stretch', 'u-opt');
    const reminderId = `proactive:reminder:${taskId}`;
    const suppressed = await eventually(
      async () => (await decisionsOf('intent/dev~u:u-opt')).find((d) => d.reminderId === reminderId),
      'the decision on the reminder',
    );
    expect(suppressed).toMatchObject({ decision: 'suppressed', reason: 'opted-out' });
    expect(await sys.store.reminders.get('intent/dev~u:u-opt', reminderId)).toBeUndefined();

    // Quiet hours from an hour ago to an hour from now, in the user's zone.
    const zone = 'America/New_York';
    const hhmm = (d: Date) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
    await http('PATCH', '/v1/users/u-quiet/settings', {
      timeZone: zone,
      proactive: { quietHours: { start: hhmm(new Date(Date.now() - 3_600_000)), end: hhmm(new Date(Date.now() + 3_600_000)) } },
    });
    const quiet = await turn('set-quiet', 'remind me in 1 second to drink water', 'u-quiet');
    const deferred = await eventually(
      async () =>
        (await decisionsOf('intent/dev~u:u-quiet')).find(
          (d) => d.reminderId === `proactive:reminder:${quiet.taskId}` && d.decision === 'deferred',
        ),
      'the deferral',
      10_000,
    );
    expect(deferred.reason).toBe('quiet-hours');
    expect(sys.tap.events.filter((e) => e.kind === 'proactive' && ['set-opt', 'set-quiet'].includes(e.sessionId))).toEqual([]);
  });
});
