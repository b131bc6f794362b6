import { ForbiddenError, UnauthorizedError } from '@warren/contracts';
import { hashApiKey } from '../gateway.options';
import { AdminKeys } from './admin-keys';

const keys = new AdminKeys({ 'dev-admin': { apiKeys: [hashApiKey('dev-admin-key')] } }, { dev: { apiKeys: [hashApiKey('dev-key')] } });

function errorOf(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
}

describe('AdminKeys', () => {
  it('finds the admin of a bearer key by its SHA-256', () => {
    expect(keys.adminOf('Bearer dev-admin-key')).toBe('dev-admin');
    expect(keys.adminOf('bearer  dev-admin-key ')).toBe('dev-admin');
  });

  it("refuses a tenant's key with 403 WARREN_FORBIDDEN", () => {
    const err = errorOf(() => keys.adminOf('Bearer dev-key'));
    expect(err).toBeInstanceOf(ForbiddenError);
    expect(err.code).toBe('WARREN_FORBIDDEN');
    expect(err.message).toContain('tenant API key');
  });

  it.each([
    [undefined, 'admin API key is required'],
    ['', 'admin API key is required'],
    ['dev-admin-key', 'must be "Bearer <key>"'],
    ['Bearer dev-admin-key2', 'not valid'],
    [`Bearer ${hashApiKey('dev-admin-key')}`, 'not valid'],
  ])('refuses %p with 401 WARREN_UNAUTHORIZED', (header, message) => {
    const err = errorOf(() => keys.adminOf(header));
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err.code).toBe('WARREN_UNAUTHORIZED');
    expect(err.message).toContain(message);
  });
});
