import { parseMetrics, total } from './metrics-text';

describe('the console reading /metrics', () => {
  const text = [
    '# HELP warren_turns_total Conversation turns ended, by outcome.',
    '# TYPE warren_turns_total counter',
    'warren_turns_total{outcome="completed"} 12',
    'warren_turns_total{outcome="failed"} 3',
    'warren_gateway_requests_total{route="unmatched",method="GET",status="404"} 2',
    'warren_gateway_requests_total{route="/v1/tasks/:taskId",method="GET",status="200"} 5',
    'warren_broker_connected 1',
    'warren_x{path="a\\"b"} 1.5e2',
  ].join('\n');

  it('parseMetrics() reads names, labels (escapes included) and values; total() sums the matching samples', () => {
    const samples = parseMetrics(text);
    expect(samples).toHaveLength(6);
    expect(samples.at(-1)).toEqual({ name: 'warren_x', labels: { path: 'a"b' }, value: 150 });
    expect(total(samples, 'warren_turns_total')).toBe(15);
    expect(total(samples, 'warren_turns_total', { outcome: 'failed' })).toBe(3);
    expect(total(samples, 'warren_gateway_requests_total', { route: 'unmatched' })).toBe(2);
    expect(total(samples, 'warren_broker_connected')).toBe(1);
  });
});
