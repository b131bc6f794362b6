import { InvalidOptionsError } from '@warren/contracts';
import { INGRESS_ROUTER_DEFAULTS, resolveIngressRouterOptions } from './ingress-router.options';

describe('resolveIngressRouterOptions()', () => {
  it('fills the defaults', () => {
    expect(resolveIngressRouterOptions()).toEqual({ tenantsByUser: {}, defaultTenant: 'dev', maxTextLength: 4000 });
  });

  it('refuses a mapped tenant that cannot be part of an actor key, naming the user', () => {
    expect(() => resolveIngressRouterOptions({ tenantsByUser: { edge: 'a~b' } })).toThrow(InvalidOptionsError);
    expect(() => resolveIngressRouterOptions({ tenantsByUser: { edge: 'a~b' } })).toThrow(/ingress\.tenantsByUser\.edge/);
  });

  it('refuses unknown keys and a non-positive text limit', () => {
    expect(() => resolveIngressRouterOptions({ maxTextLenght: 10 } as never)).toThrow(/ingress\.maxTextLenght/);
    expect(() => resolveIngressRouterOptions({ maxTextLength: 0 })).toThrow(/ingress\.maxTextLength/);
  });

  it('does not share the default map with its result', () => {
    resolveIngressRouterOptions().tenantsByUser.x = 'y';
    expect(INGRESS_ROUTER_DEFAULTS.tenantsByUser).toEqual({});
  });
});
