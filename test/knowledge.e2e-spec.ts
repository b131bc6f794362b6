// The knowledge base fed by change events on the all-in-one app (real broker, own vhost): a document
// published on `warren.knowledge` is searchable within a second and cited by the next turn of its
// tenant (the retrieve step on the task with ids and scores, `data.citations` on the reply); an
// update replaces it, a late older version and a redelivery change nothing, a delete removes it;
// another tenant never sees it; a malformed event is dead-lettered like other poison input.
import { createHash, randomUUID } from 'node:crypto';
import type { SessionCitation } from '@warren/contracts';
import type { WarrenStore } from '@warren/store';
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import type { AppProcess } from './support/app-process';
import { autoTeardown, eventually, useVhost } from './support/broker';
import type { EventTap } from './support/event-tap';
import { startSystem } from './support/system';

const DEV = { authorization: 'Bearer dev-key' };
const ACME = { authorization: 'Bearer acme-key' };
const sha256 = (key: string) => `sha256:${createHash('sha256').update(key).digest('hex')}`;
const TENANTS = JSON.stringify({ dev: { apiKeys: [sha256('dev-key')] }, acme: { apiKeys: [sha256('acme-key')] } });

interface Reply {
  text: string;
  citations?: SessionCitation[];
}

describe('knowledge base fed by warren.knowledge, cited by turns', () => {
  const vhost = useVhost('knowledge');
  let app: AppProcess;
  let tap: EventTap;
  let store: WarrenStore;
  let connection: ChannelModel;
  let ch: ConfirmChannel;

  beforeAll(async () => {
    ({ app, tap, store } = await startSystem('warren', vhost.url, {
      WARREN__GATEWAY__TENANTS: TENANTS,
      WARREN__KNOWLEDGE__EMBEDDER: 'local',
      WARREN__KNOWLEDGE__TENANTS: JSON.stringify({ dev: { enabled: true, topK: 3 }, acme: { enabled: true, topK: 3 } }),
    }));
    connection = await connect(vhost.url);
    autoTeardown({ close: () => connection.close() });
    ch = await connection.createConfirmChannel();
  });

  /** Publishes a change event (persistent, confirmed) as a raw producer would; resolves at the broker's confirm. */
  async function publish(kind: 'upsert' | 'delete', data: Record<string, unknown>, id: string = randomUUID()): Promise<string> {
    const event = { specversion: '1.0', id, source: 'cdc://test', type: `warren.knowledge.${kind}`, data };
    ch.publish('warren.knowledge', `document.${kind}`, Buffer.from(JSON.stringify(event)), {
      contentType: 'application/cloudevents+json',
      persistent: true,
      messageId: id,
    });
    await ch.waitForConfirms();
    return id;
  }

  /** Sends a turn through the gateway and waits for its reply event. */
  async function say(sessionId: string, text: string, headers = DEV): Promise<{ taskId: string; reply: Reply }> {
    const res = await fetch(`${app.url}/v1/sessions/${sessionId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ text }),
    });
    expect(res.status).toBe(202);
    const { taskId } = (await res.json()) as { taskId: string };
    return { taskId, reply: (await tap.waitFor(taskId, 'reply')).event.data as unknown as Reply };
  }

  const versionOf = async (tenant: string, id: string) => (await store.knowledge.get(tenant, id))?.version;

  it('a published document is searchable within a second and cited by the next turn, with the retrieve step on the task', async () => {
    await publish('upsert', {
      tenant: 'dev',
      id: 'parking',
      collection: 'faq',
      title: 'Parking',
      text: 'Parking at the Lisbon office is free on weekends, in the garage on level minus two.',
      version: 1,
    });
    const confirmed = performance.now();
    await eventually(async () => (await versionOf('dev', 'parking')) === 1, 'the document is stored', 5_000, 10);
    expect(performance.now() - confirmed).toBeLessThan(1_000);

    const { taskId, reply } = await say('k1', 'Where can I park on weekends?');
    expect(reply.citations?.[0]).toMatchObject({ id: 'parking#0', documentId: 'parking', collection: 'faq', title: 'Parking', version: 1 });
    expect(reply.citations?.[0].score).toBeGreaterThan(0);
    const task = await store.tasks.get(taskId);
    const names = task?.steps.map((s) => s.name) ?? [];
    expect(names.indexOf('retrieve')).toBeGreaterThan(names.indexOf('preprocess'));
    expect(names.indexOf('retrieve')).toBeLessThan(names.indexOf('model'));
    const step = task?.steps.find((s) => s.name === 'retrieve');
    expect(step).toMatchObject({ outcome: 'ok', durationMs: expect.any(Number), details: { hybrid: true } });
    expect(((step?.details?.passages ?? []) as { id: string; score: number }[])[0]).toMatchObject({
      id: 'parking#0',
      score: expect.any(Number),
    });
  });

  it('an update replaces the document; a late older version and a redelivered event change nothing', async () => {
    await publish('upsert', { tenant: 'dev', id: 'hours', title: 'Opening hours', text: 'The Lisbon office opens at nine.', version: 10 });
    await eventually(async () => (await versionOf('dev', 'hours')) === 10, 'version 10 stored');
    const eventId = await publish('upsert', {
      tenant: 'dev',
      id: 'hours',
      title: 'Opening hours',
      text: 'The Lisbon office opens at eight thirty since May.',
      version: 11,
    });
    await eventually(async () => (await versionOf('dev', 'hours')) === 11, 'version 11 stored');
    // the same event again (a redelivery) and a late older one
    await publish(
      'upsert',
      { tenant: 'dev', id: 'hours', text: 'The Lisbon office opens at eight thirty since May.', version: 11 },
      eventId,
    );
    await publish('upsert', { tenant: 'dev', id: 'hours', text: 'The office opens at noon.', version: 9 });
    const marker = await publish('upsert', { tenant: 'dev', id: 'marker', text: 'marker document', version: 1 });
    await eventually(async () => (await versionOf('dev', 'marker')) === 1, `marker ${marker} stored`);

    const doc = await store.knowledge.get('dev', 'hours');
    expect(doc).toMatchObject({ version: 11, text: 'The Lisbon office opens at eight thirty since May.' });
    const { reply } = await say('k2', 'When does the Lisbon office open?');
    const cited = reply.citations?.find((c) => c.documentId === 'hours');
    expect(cited).toMatchObject({ id: 'hours#0', version: 11 });
    expect(await store.knowledge.lexicalSearch({ tenant: 'dev', text: 'noon', limit: 5 })).toEqual([]);
  });

  it('a delete removes the document and its passages: the next turn cites nothing of it', async () => {
    await publish('upsert', { tenant: 'dev', id: 'canteen', text: 'The canteen serves vegetarian lasagne on Fridays.', version: 3 });
    await eventually(async () => (await versionOf('dev', 'canteen')) === 3, 'canteen stored');
    expect((await say('k3', 'Is there vegetarian lasagne in the canteen?')).reply.citations?.[0]?.documentId).toBe('canteen');
    await publish('delete', { tenant: 'dev', id: 'canteen', version: 4 });
    await eventually(async () => (await store.knowledge.get('dev', 'canteen')) === undefined, 'canteen deleted');
    await publish('upsert', { tenant: 'dev', id: 'canteen', text: 'The canteen serves vegetarian lasagne on Fridays.', version: 3 });
    const { reply } = await say('k3b', 'Is there vegetarian lasagne in the canteen?');
    expect((reply.citations ?? []).filter((c) => c.documentId === 'canteen')).toEqual([]);
    expect(await store.knowledge.get('dev', 'canteen')).toBeUndefined();
  });

  it("another tenant never sees a tenant's document", async () => {
    await publish('upsert', { tenant: 'acme', id: 'vault', text: 'The acme vault combination is zebra seven seven.', version: 1 });
    await eventually(async () => (await versionOf('acme', 'vault')) === 1, 'acme vault stored');
    const acme = await say('k4', 'What is the vault combination?', ACME);
    expect(acme.reply.citations?.[0]).toMatchObject({ documentId: 'vault' });
    const dev = await say('k5', 'What is the acme vault combination zebra?');
    expect((dev.reply.citations ?? []).map((c) => c.documentId)).not.toContain('vault');
    // the dev tenant's documents are not acme's either
    expect((acme.reply.citations ?? []).map((c) => c.documentId)).toEqual(['vault']);
  });

  it('a malformed change event is dead-lettered with WARREN_INVALID_MESSAGE', async () => {
    const id = await publish('upsert', { tenant: 'dev', id: 'broken', text: 'no version' });
    const dead = await eventually(
      async () => (await store.deadLetters.list({ messageIds: [id] })).items[0],
      'the malformed event is dead-lettered',
      15_000,
    );
    expect(dead).toMatchObject({ errorCode: 'WARREN_INVALID_MESSAGE' });
    expect(await store.knowledge.get('dev', 'broken')).toBeUndefined();
  });

  describe('admin routes /v1/admin/knowledge/:tenant', () => {
    const ADMIN = { authorization: 'Bearer dev-admin-key' };
    async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = ADMIN) {
      const res = await fetch(`${app.url}/v1/admin/knowledge${path}`, {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, type: res.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : undefined };
    }

    it('PUT writes a versioned document that the next search and turn find; GET reads it; DELETE removes it', async () => {
      const doc = { collection: 'hr', title: 'Holidays', text: 'Employees get twenty five days of paid holiday per year.', version: 2 };
      expect(await call('PUT', '/dev/documents/holidays', doc)).toMatchObject({ status: 200, body: { outcome: 'applied', version: 2 } });
      expect((await call('PUT', '/dev/documents/holidays', { ...doc, version: 1 })).body).toEqual({ outcome: 'stale', version: 2 });
      expect((await call('PUT', '/dev/documents/holidays', doc)).body).toEqual({ outcome: 'duplicate', version: 2 });
      expect(await call('GET', '/dev/documents/holidays')).toMatchObject({
        status: 200,
        body: { tenant: 'dev', id: 'holidays', collection: 'hr', title: 'Holidays', version: 2, passages: 1 },
      });
      expect((await call('GET', '/dev/documents?collection=hr')).body.items.map((d: { id: string }) => d.id)).toEqual(['holidays']);
      const search = await call('GET', `/dev/search?q=${encodeURIComponent('how many holiday days')}&topK=2&collections=hr`);
      expect(search).toMatchObject({
        status: 200,
        body: { hybrid: true, hits: [{ passageId: 'holidays#0', documentId: 'holidays', version: 2 }] },
      });
      const acmeHits = (await call('GET', '/acme/search?q=holiday')).body.hits as { documentId: string }[];
      expect(acmeHits.map((h) => h.documentId)).not.toContain('holidays');
      expect((await say('k6', 'How many days of paid holiday do employees get?')).reply.citations?.[0]?.documentId).toBe('holidays');

      expect(await call('DELETE', '/dev/documents/holidays?version=1')).toMatchObject({ body: { outcome: 'stale', version: 2 } });
      expect(await call('DELETE', '/dev/documents/holidays?version=3')).toMatchObject({
        status: 200,
        body: { outcome: 'applied', version: 3 },
      });
      expect((await call('GET', '/dev/documents/holidays')).status).toBe(404);
      const after = (await call('GET', '/dev/search?q=holiday')).body.hits as { documentId: string }[];
      expect(after.map((h) => h.documentId)).not.toContain('holidays');
      const audit = await store.audit.list({ limit: 20 });
      expect(audit.items.map((e) => [e.action, e.target])).toEqual(
        expect.arrayContaining([
          ['knowledge.upsert', 'dev/holidays'],
          ['knowledge.delete', 'dev/holidays'],
        ]),
      );
    });

    it('answers errors as RFC 9457 problems: a bad body 400, an unknown document 404, a tenant key 403', async () => {
      const bad = await call('PUT', '/dev/documents/x', { text: 'no version' });
      expect(bad.status).toBe(400);
      expect(bad.type).toContain('application/problem+json');
      expect(bad.body).toMatchObject({ code: 'WARREN_INVALID_MESSAGE' });
      const missing = await call('DELETE', '/dev/documents/never-was');
      expect(missing).toMatchObject({ status: 404, body: { code: 'WARREN_NOT_FOUND' } });
      expect((await call('GET', '/dev/search?q=x', undefined, DEV)).status).toBe(403);
      expect((await call('GET', '/dev/search')).status).toBe(400);
    });
  });
});
