import { EndpointHealth } from '../health/endpoint-health';
import { ModelRouter } from './model-router';
import { PatternClassifier } from './request-classifier';
import { resolveRoutingOptions } from './routing-options';

/** A fake clock the health tracker reads. */
const clock = { t: 1_000_000, now: () => clock.t };

function setup(latencyProbeMs = 10_000) {
  const health = new EndpointHealth({ latencyProbeMs }, clock);
  const options = resolveRoutingOptions(
    { default: 'fastest', strategies: { fastest: { kind: 'performance', endpoints: ['a', 'b'], metric: 'latency' } } },
    'local',
  );
  const router = new ModelRouter(options, new PatternClassifier(options.classifier), health);
  /** Routes one turn and records the chosen endpoint's latency as it is now. */
  const turn = (latency: Record<string, number>): { endpoint: string; why: string } => {
    const plan = router.route({ tenant: 't', sessionKey: 't~s', text: 'hi' });
    const endpoint = plan.chain[0] as string;
    health.recordStart(endpoint);
    health.recordSuccess(endpoint, latency[endpoint] as number);
    return { endpoint, why: plan.decision.path[0]?.why ?? '' };
  };
  return { health, turn };
}

describe('latency routing with probes (fake clock)', () => {
  it('measures again an endpoint that was slow, and prefers it once it has recovered', () => {
    const { turn } = setup();
    // Both measured: a is slow (it had a bad minute), b is fast.
    expect(turn({ a: 2000, b: 100 }).endpoint).toBe('a'); // never measured: tried first
    expect(turn({ a: 2000, b: 100 }).endpoint).toBe('b');
    for (let i = 0; i < 20; i++) {
      clock.t += 100;
      expect(turn({ a: 20, b: 100 }).endpoint).toBe('b'); // a recovered, but nobody measures it yet
    }
    // A probe period after a's last sample: exactly one turn goes to a, which restarts its average.
    clock.t += 10_000;
    expect(turn({ a: 20, b: 100 })).toEqual({ endpoint: 'a', why: 'latency probe' });
    // b, unmeasured as long, is probed by the next turn in turn; then a, now the fastest, takes the turns.
    const next = [turn({ a: 20, b: 100 }), turn({ a: 20, b: 100 }), turn({ a: 20, b: 100 })];
    expect(next.map((x) => x.endpoint)).toEqual(['b', 'a', 'a']);
  });

  it('probes once per period; an endpoint still slow stays behind', () => {
    const { turn } = setup();
    turn({ a: 2000, b: 100 });
    turn({ a: 2000, b: 100 });
    clock.t += 10_000;
    const probed = [turn({ a: 3000, b: 100 }), turn({ a: 3000, b: 100 }), turn({ a: 3000, b: 100 })].map((x) => x.endpoint);
    expect(probed).toEqual(['a', 'b', 'b']);
    clock.t += 5_000;
    expect(turn({ a: 3000, b: 100 }).endpoint).toBe('b'); // within the period after the probe
  });

  it('latencyProbeMs 0: no probes (the slow endpoint is never measured again)', () => {
    const { turn } = setup(0);
    turn({ a: 2000, b: 100 });
    turn({ a: 2000, b: 100 });
    clock.t += 1_000_000;
    expect(turn({ a: 20, b: 100 }).endpoint).toBe('b');
  });

  it('EndpointHealth#claimProbe() is false for endpoints never measured or in cooldown', () => {
    const health = new EndpointHealth({ latencyProbeMs: 1000, failureThreshold: 1 }, clock);
    expect(health.claimProbe('x')).toBe(false);
    health.recordStart('y');
    health.recordSuccess('y', 10);
    health.recordStart('y');
    health.recordFailure('y', { retryable: true });
    clock.t += 1000;
    expect(health.state('y').state).toBe('cooldown');
    expect(health.claimProbe('y')).toBe(false);
  });
});
