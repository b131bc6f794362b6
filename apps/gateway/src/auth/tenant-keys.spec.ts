import { UnauthorizedError } from '@warren/contracts';
import { hashApiKey } from '../gateway.options';
import { TenantKeys } from './tenant-keys';

const keys = new TenantKeys({ dev: { apiKeys: [hashApiKey('dev-key')] }, acme: { apiKeys: [hashApiKey('k1'), hashApiKey('k2')] } });

describe('TenantKeys', () => {
  it('finds the tenant of a bearer key by its SHA-256', () => {
    expect(keys.tenantOf('Bearer dev-key')).toBe('dev');
    expect(keys.tenantOf('bearer k2')).toBe('acme');
    expect(keys.tenantOf('Bearer  k1 ')).toBe('acme');
  });

  it.each([
    [undefined, 'a valid API key is required'],
    ['', 'a valid API key is required'],
    ['dev-key', 'must be "Bearer <key>"'],
    ['Basic ZGV2OmtleQ==', 'must be "Bearer <key>"'],
    ['Bearer', 'must be "Bearer <key>"'],
    ['Bearer a b', 'must be "Bearer <key>"'],
    ['Bearer dev-key2', 'not valid'],
    [`Bearer ${hashApiKey('dev-key')}`, 'not valid'],
  ])('refuses %p with WARREN_UNAUTHORIZED', (header, message) => {
    let err: unknown;
    try {
      keys.tenantOf(header);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect((err as UnauthorizedError).code).toBe('WARREN_UNAUTHORIZED');
    expect((err as Error).message).toContain(message);
  });
});
