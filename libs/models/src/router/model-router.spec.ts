import type { EndpointHealthState } from '../health/endpoint-health';
import { ModelRouter, type RouteInput } from './model-router';
import { PatternClassifier } from './request-classifier';
import type { RouterHealthView } from './router-health.port';
import { resolveRoutingOptions } from './routing-options';

function health(states: Record<string, Partial<EndpointHealthState>> = {}): RouterHealthView {
  return {
    state: (e) => ({ state: 'healthy', outstanding: 0, ewmaLatencyMs: 0, samples: 0, consecutiveFailures: 0, ...states[e] }),
    claimProbe: () => false,
  };
}

function router(raw: unknown, h = health()): ModelRouter {
  const o = resolveRoutingOptions(raw, 'local');
  return new ModelRouter(o, new PatternClassifier(o.classifier), h);
}

const turn = (over: Partial<RouteInput> = {}): RouteInput => ({ tenant: 't1', sessionKey: 't1~s1', text: 'hello there', ...over });

describe('ModelRouter', () => {
  it('static: the default is session.model', () => {
    const plan = router({}).route(turn());
    expect(plan.chain).toEqual(['local']);
    expect(plan.decision).toMatchObject({ strategy: 'local', source: 'default', chain: ['local'] });
  });

  it('static with fallbacks, then the global fallbacks, without duplicates', () => {
    const plan = router({
      default: 'main',
      fallbacks: ['c', 'b'],
      strategies: { main: { kind: 'static', endpoint: 'a', fallbacks: ['b'] } },
    }).route(turn());
    expect(plan.chain).toEqual(['a', 'b', 'c']);
    expect(plan.decision.path).toEqual([{ strategy: 'main', kind: 'static', decided: 'a', why: 'static' }]);
  });

  it('the request wins over the tenant, the tenant over the route, the route over the default', () => {
    const r = router({ default: 'd', tenants: { acme: 't' }, routes: { voice: 'v' } });
    expect(r.route(turn({ tenant: 'acme', channel: 'voice', strategy: 'q' })).decision).toMatchObject({ strategy: 'q', source: 'request' });
    expect(r.route(turn({ tenant: 'acme', channel: 'voice' })).decision).toMatchObject({ strategy: 't', source: 'tenant' });
    expect(r.route(turn({ channel: 'voice' })).decision).toMatchObject({ strategy: 'v', source: 'route' });
    expect(r.route(turn({ channel: 'text' })).decision).toMatchObject({ strategy: 'd', source: 'default' });
  });

  it('rules: the first rule whose conditions all hold, else otherwise', () => {
    const r = router({
      default: 'rules',
      strategies: {
        rules: {
          kind: 'rules',
          rules: [
            { name: 'vip-fr', when: { tags: ['vip'], languages: ['fr'] }, use: 'premium' },
            { name: 'voice-short', when: { channels: ['voice'], maxLength: 20 }, use: 'fast' },
            { name: 'acme-long', when: { tenants: ['acme'], minLength: 30 }, use: 'big' },
          ],
          otherwise: 'local',
        },
      },
    });
    expect(r.route(turn({ tags: ['vip'], language: 'fr-FR' })).chain[0]).toBe('premium');
    expect(r.route(turn({ tags: ['vip'], language: 'en' })).chain[0]).toBe('local');
    expect(r.route(turn({ channel: 'voice' })).chain[0]).toBe('fast');
    expect(r.route(turn({ channel: 'voice', text: 'a'.repeat(21) })).chain[0]).toBe('local');
    const plan = r.route(turn({ tenant: 'acme', text: 'x'.repeat(30) }));
    expect(plan.chain[0]).toBe('big');
    expect(plan.decision.path[0]).toMatchObject({ why: 'rule acme-long matched' });
    expect(plan.decision.candidates.find((c) => c.endpoint === 'big')?.reason).toBe('rule acme-long matched');
  });

  it('content: the classifier picks the class, unmapped or unclassified go to otherwise', () => {
    const r = router({
      default: 'topic',
      strategies: { topic: { kind: 'content', classes: { code: 'coder', math: 'calc' }, otherwise: 'local' } },
    });
    expect(r.route(turn({ text: 'why does my python function return None?' })).chain[0]).toBe('coder');
    const math = r.route(turn({ text: 'what is 12 * 7' }));
    expect(math.chain[0]).toBe('calc');
    expect(math.decision.class).toBe('math');
    expect(r.route(turn({ text: 'hi, how are you' })).decision).toMatchObject({ class: 'chit-chat', chain: ['local'] });
    expect(r.route(turn({ text: 'tell me about rabbits' })).decision.class).toBeUndefined();
  });

  it('content: a pluggable classifier', () => {
    const o = resolveRoutingOptions({
      default: 'topic',
      strategies: { topic: { kind: 'content', classes: { legal: 'lawyer' }, otherwise: 'local' } },
    });
    const r = new ModelRouter(o, { classify: () => 'legal' }, health());
    expect(r.route(turn()).chain).toEqual(['lawyer']);
  });

  it('performance: lowest latency or least outstanding, skipping endpoints in cooldown', () => {
    const h = health({
      a: { ewmaLatencyMs: 300, outstanding: 0 },
      b: { ewmaLatencyMs: 100, outstanding: 5 },
      c: { ewmaLatencyMs: 10, outstanding: 0, state: 'cooldown', cooldownUntil: Date.now() + 1000 },
    });
    const lat = router(
      { default: 'p', strategies: { p: { kind: 'performance', endpoints: ['a', 'b', 'c'], fallbacks: ['a', 'c'] } } },
      h,
    ).route(turn());
    expect(lat.chain).toEqual(['b', 'a', 'c']);
    expect(lat.decision.candidates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ endpoint: 'c', reason: 'in cooldown: skipped', health: 'cooldown' }),
        expect.objectContaining({ endpoint: 'b', score: 100, reason: 'lowest latency' }),
      ]),
    );
    const out = router(
      { default: 'p', strategies: { p: { kind: 'performance', endpoints: ['a', 'b', 'c'], metric: 'outstanding' } } },
      h,
    ).route(turn());
    expect(out.chain[0]).toBe('a');
  });

  it('weighted: sticky per session, and the split follows the weights', () => {
    const r = router({
      default: 'ab',
      strategies: {
        ab: {
          kind: 'weighted',
          arms: [
            { name: 'A', weight: 70, use: 'x' },
            { name: 'B', weight: 30, use: 'y' },
          ],
        },
      },
    });
    const first = r.route(turn({ sessionKey: 't1~s42' }));
    for (let i = 0; i < 5; i++)
      expect(r.route(turn({ sessionKey: 't1~s42', text: `other ${i}` })).decision.arm).toEqual(first.decision.arm);
    let a = 0;
    const n = 10_000;
    for (let i = 0; i < n; i++) if (r.route(turn({ sessionKey: `t1~session-${i}` })).decision.arm?.name === 'A') a++;
    expect(Math.abs(a / n - 0.7)).toBeLessThan(0.03);
  });

  it('composes: a weighted arm names a rules strategy, whose rule names a static one; fallbacks inner first', () => {
    const plan = router({
      default: 'ab',
      fallbacks: ['z'],
      strategies: {
        ab: { kind: 'weighted', arms: [{ name: 'only', weight: 1, use: 'rules' }], fallbacks: ['y'] },
        rules: { kind: 'rules', rules: [{ name: 'voice', when: { channels: ['voice'] }, use: 'fast' }], otherwise: 'local' },
        fast: { kind: 'static', endpoint: 'f', fallbacks: ['x'] },
      },
    }).route(turn({ channel: 'voice' }));
    expect(plan.chain).toEqual(['f', 'x', 'y', 'z']);
    expect(plan.decision.path.map((p) => p.strategy)).toEqual(['ab', 'rules', 'fast']);
    expect(plan.decision.arm).toEqual({ strategy: 'ab', name: 'only' });
  });

  it('an endpoint in cooldown goes to the end of the chain', () => {
    const plan = router(
      { default: 's', strategies: { s: { kind: 'static', endpoint: 'a', fallbacks: ['b'] } } },
      health({ a: { state: 'cooldown' } }),
    ).route(turn());
    expect(plan.chain).toEqual(['b', 'a']);
    expect(plan.decision.candidates).toEqual(
      expect.arrayContaining([expect.objectContaining({ endpoint: 'a', reason: 'in cooldown: tried last' })]),
    );
  });

  it('ensemble: the plan names its members; the chain holds the fallbacks', () => {
    const plan = router({
      default: 'e',
      strategies: { e: { kind: 'ensemble', endpoints: ['a', 'b'], pick: 'longest', deadlineMs: 100, fallbacks: ['c'] } },
    }).route(turn());
    expect(plan.ensemble).toMatchObject({ name: 'e', endpoints: ['a', 'b'], pick: 'longest', deadlineMs: 100 });
    expect(plan.chain).toEqual(['c']);
    expect(plan.decision.ensemble).toEqual({ strategy: 'e', endpoints: ['a', 'b'], pick: 'longest', deadlineMs: 100 });
  });

  it('ensemble: members in cooldown are left out, unless all are', () => {
    const raw = { default: 'e', strategies: { e: { kind: 'ensemble', endpoints: ['a', 'b', 'c'], pick: 'first', deadlineMs: 100 } } };
    const plan = router(raw, health({ b: { state: 'cooldown' } })).route(turn());
    expect(plan.ensemble?.endpoints).toEqual(['a', 'c']);
    expect(plan.decision.candidates).toEqual(
      expect.arrayContaining([expect.objectContaining({ endpoint: 'b', reason: 'in cooldown: skipped' })]),
    );
    const all = health({ a: { state: 'cooldown' }, b: { state: 'cooldown' }, c: { state: 'cooldown' } });
    expect(router(raw, all).route(turn()).ensemble?.endpoints).toEqual(['a', 'b', 'c']);
  });

  describe('affinity', () => {
    const raw = {
      affinity: true,
      affinityMaxOutstanding: 3,
      default: 'p',
      strategies: { p: { kind: 'performance', endpoints: ['a', 'b'] } },
    };
    it('prefers the previous turn’s endpoint while healthy and not overloaded', () => {
      const plan = router(raw, health({ a: { ewmaLatencyMs: 5 }, b: { ewmaLatencyMs: 50 } })).route(turn({ lastEndpoint: 'b' }));
      expect(plan.chain).toEqual(['b', 'a']);
      expect(plan.decision.affinity).toEqual({ endpoint: 'b', used: true, reason: 'served the previous turn' });
    });
    it('not when it is overloaded, in cooldown or not a candidate', () => {
      expect(
        router(raw, health({ b: { outstanding: 3, ewmaLatencyMs: 50 } })).route(turn({ lastEndpoint: 'b' })).decision.affinity,
      ).toMatchObject({ used: false, reason: 'overloaded (3 outstanding)' });
      expect(router(raw, health({ b: { state: 'cooldown' } })).route(turn({ lastEndpoint: 'b' })).decision.affinity).toMatchObject({
        used: false,
        reason: 'in cooldown',
      });
      expect(router(raw).route(turn({ lastEndpoint: 'q' })).chain[0]).toBe('a');
    });
    it('off by default', () => {
      const plan = router({ ...raw, affinity: false }, health({ a: { ewmaLatencyMs: 5 }, b: { ewmaLatencyMs: 50 } })).route(
        turn({ lastEndpoint: 'b' }),
      );
      expect(plan.chain[0]).toBe('a');
      expect(plan.decision.affinity).toBeUndefined();
    });
  });
});
