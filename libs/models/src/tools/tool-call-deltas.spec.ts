import { ToolCallAccumulator } from './tool-call-deltas';

describe('ToolCallAccumulator', () => {
  it('joins the argument pieces of one call streamed over several chunks', () => {
    const acc = new ToolCallAccumulator();
    acc.add({ index: 0, id: 'call_abc', name: 'calendar', arguments: '' });
    acc.add({ index: 0, arguments: '{"da' });
    acc.add({ index: 0, arguments: 'te":"2026-12-08"}' });
    expect(acc.calls()).toEqual([{ id: 'call_abc', name: 'calendar', arguments: '{"date":"2026-12-08"}' }]);
  });

  it('keeps interleaved calls apart and returns them in index order', () => {
    const acc = new ToolCallAccumulator();
    acc.add({ index: 1, id: 'b', name: 'weather', arguments: '{"city":' });
    acc.add({ index: 0, id: 'a', name: 'calendar', arguments: '{}' });
    acc.add({ index: 1, arguments: '"Paris"}' });
    expect(acc.calls()).toEqual([
      { id: 'a', name: 'calendar', arguments: '{}' },
      { id: 'b', name: 'weather', arguments: '{"city":"Paris"}' },
    ]);
  });

  it('gives a call without an id one from its index, without arguments {}, and does not repeat a name sent twice', () => {
    const acc = new ToolCallAccumulator();
    acc.add({ index: 0, name: 'now' });
    acc.add({ index: 0, name: 'now' });
    expect(acc.calls()).toEqual([{ id: 'call_0', name: 'now', arguments: '{}' }]);
    expect(acc.size).toBe(1);
  });
});
