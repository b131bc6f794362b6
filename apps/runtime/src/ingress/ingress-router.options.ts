import { InvalidOptionsError } from '@warren/contracts';

/** Nest injection token of the router's options. */
export const INGRESS_ROUTER_OPTIONS = Symbol('warren:ingress-router-options');

/** How raw producers' messages are turned into session messages. */
export interface IngressRouterOptions {
  /**
   * AMQP `user_id` → tenant. The broker checks `user_id` against the connection's user, so it
   * can be trusted within the vhost; the body never names the tenant.
   * @default {}
   */
  tenantsByUser: Record<string, string>;
  /** Tenant of messages without a mapped `user_id`. @default 'dev' */
  defaultTenant: string;
  /** Longest accepted `data.text`, in characters. @default 4000 */
  maxTextLength: number;
}

export const INGRESS_ROUTER_DEFAULTS: Readonly<IngressRouterOptions> = Object.freeze({
  tenantsByUser: Object.freeze({}) as Record<string, string>,
  defaultTenant: 'dev',
  maxTextLength: 4000,
});

const TENANT = /^[A-Za-z0-9_-]{1,64}$/;

/** Fills defaults and checks values; tenants must be safe inside an actor key. */
export function resolveIngressRouterOptions(raw: Partial<IngressRouterOptions> = {}): IngressRouterOptions {
  for (const key of Object.keys(raw))
    if (!(key in INGRESS_ROUTER_DEFAULTS)) throw new InvalidOptionsError(`ingress.${key}`, 'is not an ingress option');
  const o: IngressRouterOptions = {
    tenantsByUser: { ...(raw.tenantsByUser ?? INGRESS_ROUTER_DEFAULTS.tenantsByUser) },
    defaultTenant: raw.defaultTenant ?? INGRESS_ROUTER_DEFAULTS.defaultTenant,
    maxTextLength: raw.maxTextLength ?? INGRESS_ROUTER_DEFAULTS.maxTextLength,
  };
  if (!TENANT.test(o.defaultTenant)) throw new InvalidOptionsError('ingress.defaultTenant', 'must match [A-Za-z0-9_-]{1,64}');
  for (const [user, tenant] of Object.entries(o.tenantsByUser)) {
    if (!TENANT.test(tenant)) throw new InvalidOptionsError(`ingress.tenantsByUser.${user}`, 'must match [A-Za-z0-9_-]{1,64}');
  }
  if (!Number.isInteger(o.maxTextLength) || o.maxTextLength < 1)
    throw new InvalidOptionsError('ingress.maxTextLength', 'must be a positive integer');
  return o;
}
