// Output moderation before streaming, on every path a reply leaves Warren: `warren.events` (AMQP), the
// gateway's SSE, and the OpenAI-compatible endpoint streamed and not. A scripted local model gives the two
// answers of issue 18: a threat ("Okay then. I will kill you…", blocked by the built-in rules) and personal
// data ("…call +44 20 7946 0958 today.", redacted). No delta may carry any part of them, the deltas add
// up to the reply, a blocked answer ends with the safe reply (marked) and a redacted one streams the mask.
import OpenAI from 'openai';
import { eventually, useVhost } from './support/broker';
import type { TappedEvent } from './support/event-tap';
import { openSse } from './support/sse-client';
import { startSystem, type TestSystem } from './support/system';

const vhost = useVhost('out-moderation');
let sys: TestSystem;
let client: OpenAI;

const THREAT = 'Okay then. I will kill you…';
const PII = 'Sure, write to jo@example.com or call +44 20 7946 0958 today.';
const SAFE = "I can't help with that.";
const REDACTED = 'Sure, write to [email] or call [phone] today.';
/** What no published delta may hold: any part of the threat or of the personal data. */
const LEAKS = [/\bkill\b/iu, /\bwill\b/iu, /jo@/u, /example\.com/u, /\+44/u, /\b20\b/u, /7946/u, /0958/u];

beforeAll(async () => {
  sys = await startSystem('warren', vhost.url, {
    WARREN__MODELS__LOCAL__REPLIES: JSON.stringify([
      { when: 'threaten', say: THREAT },
      { when: 'your number', say: PII },
    ]),
    WARREN__PROACTIVE__ENABLED: 'false',
  });
  client = new OpenAI({ baseURL: `${sys.app.url}/v1`, apiKey: 'dev-key', maxRetries: 0 });
});

const deltasOf = (events: { kind?: string; data: Record<string, unknown> }[]) =>
  events.filter((e) => e.kind === 'delta').map((e) => e.data as { text: string; seq: number; moderated?: boolean });

function expectNoLeak(texts: string[]): void {
  for (const text of texts) for (const leak of LEAKS) expect(text).not.toMatch(leak);
}

describe('output moderation on warren.events (AMQP)', () => {
  const turn = async (sessionId: string, text: string) => {
    const taskId = await sys.tap.say(sessionId, text);
    const reply = await sys.tap.waitFor(taskId, 'reply');
    const events = sys.tap.ofTask(taskId).map((e: TappedEvent) => ({ kind: e.kind, data: e.event.data }));
    return { reply: reply.event.data as { text: string; moderated?: boolean }, deltas: deltasOf(events) };
  };

  it('a blocked answer: no delta holds any of it, the deltas end with the marked safe reply, the reply says moderated', async () => {
    const { reply, deltas } = await turn('om-threat', 'please threaten me');
    expectNoLeak(deltas.map((d) => d.text));
    expect(reply).toMatchObject({ text: SAFE, moderated: true });
    expect(deltas.map((d) => d.text).join('')).toBe(reply.text);
    expect(deltas.at(-1)).toMatchObject({ text: SAFE, moderated: true });
    expect(deltas.map((d) => d.seq)).toEqual(deltas.map((_, i) => i));
    const history = await sys.store.history.lastTurns({ tenant: 'dev', sessionId: 'om-threat' }, 10);
    expect(history.map((p) => p.content)).toEqual(['please threaten me', SAFE]);
  });

  it('a redacted answer: the deltas stream the masked text in order and add up to the reply', async () => {
    const { reply, deltas } = await turn('om-pii', 'what is your number');
    expectNoLeak(deltas.map((d) => d.text));
    expect(reply).toMatchObject({ text: REDACTED, moderated: true });
    expect(deltas.map((d) => d.text).join('')).toBe(REDACTED);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.some((d) => d.moderated)).toBe(false);
  });
});

describe('output moderation on the gateway SSE stream', () => {
  const auth = { authorization: 'Bearer dev-key' };

  async function viaSse(sessionId: string, text: string) {
    const sse = await openSse(`${sys.app.url}/v1/sessions/${sessionId}/events`, auth);
    try {
      const res = await fetch(`${sys.app.url}/v1/sessions/${sessionId}/messages`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      expect(res.status).toBe(202);
      const { taskId } = (await res.json()) as { taskId: string };
      const ofTask = () => sse.events().filter((f) => (f.data as { taskId?: string })?.taskId === taskId);
      const reply = await eventually(() => ofTask().find((f) => f.event === 'reply'), `the SSE reply of ${taskId}`, 15_000);
      return {
        reply: reply.data as { text: string; moderated?: boolean },
        deltas: deltasOf(ofTask().map((f) => ({ kind: f.event, data: f.data as Record<string, unknown> }))),
      };
    } finally {
      sse.close();
    }
  }

  it('a blocked answer ends with the marked safe reply, nothing of the threat sent', async () => {
    const { reply, deltas } = await viaSse('om-sse-threat', 'threaten me now');
    expectNoLeak(deltas.map((d) => d.text));
    expect(reply).toMatchObject({ text: SAFE, moderated: true });
    expect(deltas.map((d) => d.text).join('')).toBe(SAFE);
    expect(deltas.at(-1)?.moderated).toBe(true);
  });

  it('a redacted answer streams the masked text', async () => {
    const { reply, deltas } = await viaSse('om-sse-pii', 'and your number?');
    expectNoLeak(deltas.map((d) => d.text));
    expect(reply).toMatchObject({ text: REDACTED, moderated: true });
    expect(deltas.map((d) => d.text).join('')).toBe(REDACTED);
  });
});

describe('output moderation on POST /v1/chat/completions', () => {
  it('not streamed, blocked: the safe reply alone with finish_reason content_filter, never part of the answer', async () => {
    const done = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'threaten me' }] });
    expect(done.choices[0].message.content).toBe(SAFE);
    expect(done.choices[0].finish_reason).toBe('content_filter');
  });

  it('streamed, blocked: no chunk holds any of the threat; the chunks end with the safe reply and content_filter', async () => {
    const stream = await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'threaten me' }],
      stream: true,
    });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    const texts = chunks.map((c) => c.choices[0]?.delta?.content ?? '');
    expectNoLeak(texts);
    expect(texts.join('')).toBe(SAFE);
    expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['content_filter']);
  });

  it('not streamed, redacted: the masked text with finish_reason stop', async () => {
    const done = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'your number please' }] });
    expect(done.choices[0].message.content).toBe(REDACTED);
    expect(done.choices[0].finish_reason).toBe('stop');
  });

  it('streamed, redacted: the chunks carry the masked text in order, finish_reason stop', async () => {
    const stream = await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'your number please' }],
      stream: true,
    });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    const texts = chunks.map((c) => c.choices[0]?.delta?.content ?? '');
    expectNoLeak(texts);
    expect(texts.join('')).toBe(REDACTED);
    expect(texts.filter((t) => t !== '').length).toBeGreaterThan(1);
    expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['stop']);
  });
});
