import { resolveLogOptions } from './log-options';

describe('resolveLogOptions()', () => {
  it('is pretty with colours on a terminal and JSON without one (auto)', () => {
    expect(resolveLogOptions({ env: {}, isTTY: true })).toMatchObject({ format: 'pretty', color: true, level: 'info' });
    expect(resolveLogOptions({ env: {}, isTTY: false })).toMatchObject({ format: 'json', color: false });
  });

  it('takes LOG_FORMAT over the configured format, and NO_COLOR turns the colours off', () => {
    expect(resolveLogOptions({ env: { LOG_FORMAT: 'pretty' }, format: 'json', isTTY: false })).toMatchObject({
      format: 'pretty',
      color: false,
    });
    expect(resolveLogOptions({ env: { LOG_FORMAT: 'json' }, isTTY: true }).format).toBe('json');
    expect(resolveLogOptions({ env: { NO_COLOR: '1' }, isTTY: true })).toMatchObject({ format: 'pretty', color: false });
    expect(resolveLogOptions({ env: { NO_COLOR: '' }, isTTY: true }).color).toBe(true);
  });

  it('always writes JSON in production', () => {
    expect(resolveLogOptions({ env: { NODE_ENV: 'production', LOG_FORMAT: 'pretty' }, format: 'pretty', isTTY: true })).toMatchObject({
      format: 'json',
      color: false,
    });
  });

  it('refuses an unknown format or level, naming the key', () => {
    expect(() => resolveLogOptions({ env: { LOG_FORMAT: 'xml' } })).toThrow(/log\.format: must be one of auto, json, pretty \(got xml\)/);
    expect(() => resolveLogOptions({ env: {}, level: 'loud' as never })).toThrow(/log\.level/);
  });
});
