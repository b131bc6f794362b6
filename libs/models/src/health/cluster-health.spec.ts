import type { ControlCommand } from '@warren/actors';
import { ModelRouter } from '../router/model-router';
import { PatternClassifier } from '../router/request-classifier';
import { resolveRoutingOptions } from '../router/routing-options';
import { ClusterHealth } from './cluster-health';
import { EndpointHealth } from './endpoint-health';
import { HealthAnnouncer } from './health-announcer';

describe('ClusterHealth', () => {
  let now = 5_000_000;
  const clock = { now: () => now };

  it('the router of one node skips an endpoint another node found down, until its cooldown ends', () => {
    const local = new EndpointHealth({}, clock);
    const cluster = new ClusterHealth('n1', local, clock);
    const options = resolveRoutingOptions(
      { default: 'main', strategies: { main: { kind: 'static', endpoint: 'a', fallbacks: ['b'] } } },
      'local',
    );
    const router = new ModelRouter(options, new PatternClassifier(options.classifier), cluster);
    expect(router.route({ tenant: 't', sessionKey: 't~s', text: 'hi' }).chain).toEqual(['a', 'b']);
    cluster.apply({
      kind: 'health',
      node: 'n2',
      at: now,
      endpoints: {
        a: { state: 'cooldown', cooldownUntil: now + 3000, ewmaLatencyMs: 0, samples: 0, outstanding: 0, consecutiveFailures: 3 },
      },
    });
    expect(router.route({ tenant: 't', sessionKey: 't~s', text: 'hi' }).chain).toEqual(['b', 'a']);
    now += 3000;
    expect(router.route({ tenant: 't', sessionKey: 't~s', text: 'hi' }).chain).toEqual(['a', 'b']);
  });

  it('ignores its own node, keeps the newest announcement per node, and drops silent nodes', () => {
    const cluster = new ClusterHealth('n1', undefined, clock);
    const at = (t: number, samples: number) =>
      ({
        kind: 'health',
        node: 'n2',
        at: t,
        endpoints: { a: { state: 'healthy', ewmaLatencyMs: 10, samples, outstanding: 0, consecutiveFailures: 0 } },
      }) as const;
    cluster.apply({ ...at(now, 1), node: 'n1' });
    expect(cluster.nodes()).toEqual([]);
    cluster.apply(at(now, 5));
    cluster.apply(at(now - 100, 1)); // late and older: ignored
    expect(cluster.state('a').samples).toBe(5);
    now += 6001;
    expect(cluster.nodes()).toEqual([]);
    expect(cluster.state('a').samples).toBe(0);
  });

  it('HealthAnnouncer announces the local snapshot and feeds what it hears into the view', () => {
    const sent: ControlCommand[] = [];
    let hear: ((c: ControlCommand) => void) | undefined;
    const local = new EndpointHealth({}, clock);
    const cluster = new ClusterHealth('n1', local, clock);
    const announcer = new HealthAnnouncer(cluster, {
      control: async (c) => {
        sent.push(c);
      },
      onControl: (h) => {
        hear = h;
      },
    });
    announcer.start();
    announcer.announce();
    expect(sent).toEqual([]); // nothing measured yet
    local.recordStart('a');
    local.recordSuccess('a', 40);
    announcer.announce();
    expect(sent).toEqual([
      expect.objectContaining({ kind: 'health', node: 'n1', endpoints: { a: expect.objectContaining({ samples: 1 }) } }),
    ]);
    hear?.({
      kind: 'health',
      node: 'n2',
      at: now,
      endpoints: { a: { state: 'healthy', ewmaLatencyMs: 10, samples: 1, outstanding: 0, consecutiveFailures: 0 } },
    });
    expect(cluster.state('a')).toMatchObject({ samples: 2, ewmaLatencyMs: 25 });
    announcer.stop();
  });

  it("leaves a node's latency measured long before the freshest out of the average (a probe found the endpoint recovered)", () => {
    const local = new EndpointHealth({ latencyProbeMs: 10_000 }, clock);
    const cluster = new ClusterHealth('n1', local, clock);
    const peer = (ewmaLatencyMs: number, samples: number, lastSampleAt: number) =>
      ({
        kind: 'health',
        node: 'n2',
        at: now,
        endpoints: { a: { state: 'healthy', ewmaLatencyMs, samples, outstanding: 0, consecutiveFailures: 0, lastSampleAt } },
      }) as const;
    cluster.apply(peer(2000, 50, now - 60_000)); // n2 measured a slow minute long ago and stopped
    local.recordStart('a');
    local.recordSuccess('a', 20); // n1's probe: recovered
    expect(cluster.state('a')).toMatchObject({ ewmaLatencyMs: 20, samples: 51 });
    cluster.apply(peer(30, 5, now)); // n2 measures it again too
    expect(cluster.state('a').ewmaLatencyMs).toBeCloseTo((20 * 1 + 30 * 5) / 6);
  });
});
