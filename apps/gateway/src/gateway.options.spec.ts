import { InvalidOptionsError } from '@warren/contracts';
import { GATEWAY_DEFAULTS, hashApiKey, resolveGatewayOptions } from './gateway.options';

const DEV_KEY_HASH = 'sha256:7e9f8fd111802be56c379d597842e29b2cebd35ff2133d431a49fa556a18704e';

describe('hashApiKey()', () => {
  it('is sha256:<hex> of the UTF-8 key, as `echo -n dev-key | sha256sum`', () => {
    expect(hashApiKey('dev-key')).toBe(DEV_KEY_HASH);
    expect(hashApiKey('dev-key ')).not.toBe(DEV_KEY_HASH);
    expect(hashApiKey('schlüssel')).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('resolveGatewayOptions()', () => {
  it('fills the defaults', () => {
    expect(resolveGatewayOptions()).toEqual({
      tenants: {},
      admins: {},
      deadLetterRetentionDays: 30,
      maxTextLength: 4000,
      sseHeartbeatMs: 15_000,
      historyPageSize: 50,
      historyMaxPageSize: 200,
      fastPostMessage: true,
      admissionTimeoutMs: 500,
      models: {
        chat: [
          { id: 'auto', kind: 'auto' },
          { id: 'local', kind: 'endpoint' },
        ],
        embeddings: ['local'],
      },
    });
  });

  it('keeps tenants and their key hashes (upper-case hex is accepted and lower-cased)', () => {
    const o = resolveGatewayOptions({
      tenants: { dev: { apiKeys: [DEV_KEY_HASH] }, 'acme_2-b': { apiKeys: [hashApiKey('a').toUpperCase().replace('SHA256', 'sha256')] } },
    });
    expect(o.tenants.dev).toEqual({ apiKeys: [DEV_KEY_HASH] });
    expect(o.tenants['acme_2-b']?.apiKeys).toEqual([hashApiKey('a')]);
  });

  it('keeps admins and their key hashes apart from the tenants', () => {
    const o = resolveGatewayOptions({
      tenants: { dev: { apiKeys: [DEV_KEY_HASH] } },
      admins: { 'ops-1': { apiKeys: [hashApiKey('adm')] } },
    });
    expect(o.admins).toEqual({ 'ops-1': { apiKeys: [hashApiKey('adm')] } });
    expect(o.tenants).toEqual({ dev: { apiKeys: [DEV_KEY_HASH] } });
  });

  it.each([
    [{ deadLetterRetentionDays: 0 }, /gateway\.deadLetterRetentionDays: must be an integer from 1 to 36500/],
    [{ admins: [] }, /gateway\.admins: must be an object of admin → \{ apiKeys \}/],
    [{ admins: { 'a b': { apiKeys: [] } } }, /gateway\.admins\.a b: admin names must match/],
    [{ admins: { ops: { apiKeys: ['dev-admin-key'] } } }, /gateway\.admins\.ops\.apiKeys\.0: must be sha256:<64 hex>/],
    [{ admins: { ops: { apiKeys: [], name: 'x' } } }, /gateway\.admins\.ops\.name: is not an admin option/],
    [
      { tenants: { dev: { apiKeys: [DEV_KEY_HASH] } }, admins: { ops: { apiKeys: [DEV_KEY_HASH] } } },
      /gateway\.admins\.ops\.apiKeys\.0: is also a key of tenant dev/,
    ],
  ])('refuses admin option %j naming the key', (raw, message) => {
    expect(() => resolveGatewayOptions(raw as never)).toThrow(message);
  });

  it.each([
    [{ maxTextLenght: 10 }, /gateway\.maxTextLenght: is not a gateway option/],
    [{ maxTextLength: 0 }, /gateway\.maxTextLength/],
    [{ maxTextLength: 1.5 }, /gateway\.maxTextLength/],
    [{ sseHeartbeatMs: '15000' }, /gateway\.sseHeartbeatMs/],
    [{ fastPostMessage: 'yes' }, /gateway\.fastPostMessage: must be true or false/],
    [{ historyMaxPageSize: 1001 }, /gateway\.historyMaxPageSize/],
    [{ historyPageSize: 300 }, /gateway\.historyPageSize: must be an integer from 1 to 200/],
    [{ tenants: [] }, /gateway\.tenants: must be an object/],
    [{ tenants: { 'a~b': { apiKeys: [] } } }, /gateway\.tenants\.a~b: tenant names must match/],
    [{ tenants: { dev: { apiKeys: ['dev-key'] } } }, /gateway\.tenants\.dev\.apiKeys\.0: must be sha256:<64 hex>/],
    [{ tenants: { dev: { apiKeys: DEV_KEY_HASH } } }, /gateway\.tenants\.dev\.apiKeys: must be a list/],
    [{ tenants: { dev: { apiKeys: [], keys: [] } } }, /gateway\.tenants\.dev\.keys: is not a tenant option/],
    [
      { tenants: { dev: { apiKeys: [DEV_KEY_HASH] }, other: { apiKeys: [DEV_KEY_HASH] } } },
      /gateway\.tenants\.other\.apiKeys\.0: is also a key of tenant dev/,
    ],
  ])('refuses %j naming the key', (raw, message) => {
    expect(() => resolveGatewayOptions(raw as never)).toThrow(InvalidOptionsError);
    expect(() => resolveGatewayOptions(raw as never)).toThrow(message);
  });

  it('lets historyPageSize go up to a raised historyMaxPageSize, and a lowered maximum lower the default', () => {
    expect(resolveGatewayOptions({ historyPageSize: 300, historyMaxPageSize: 500 }).historyPageSize).toBe(300);
    expect(resolveGatewayOptions({ historyMaxPageSize: 20 }).historyPageSize).toBe(20);
  });

  it('does not share the default tenants with its result', () => {
    const o = resolveGatewayOptions();
    o.tenants.x = { apiKeys: [] };
    o.admins.y = { apiKeys: [] };
    expect(GATEWAY_DEFAULTS.tenants).toEqual({});
    expect(GATEWAY_DEFAULTS.admins).toEqual({});
  });
});
