import { UnauthorizedError } from '@warren/contracts';
import { type GatewayTenant, hashApiKey } from '../gateway.options';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * API key hash → tenant, built once from the options. A bearer key is hashed (SHA-256: keys are
 * random and long, so a fast hash is right) and looked up; the key itself is never kept.
 */
export class TenantKeys {
  private readonly tenantByHash = new Map<string, string>();

  constructor(tenants: Readonly<Record<string, GatewayTenant>>) {
    for (const [tenant, { apiKeys }] of Object.entries(tenants)) for (const hash of apiKeys) this.tenantByHash.set(hash, tenant);
  }

  /** The tenant of an `Authorization` header value; `UnauthorizedError` when it is missing, malformed or unknown. */
  tenantOf(authorization: string | undefined): string {
    if (!authorization) throw new UnauthorizedError();
    const match = BEARER.exec(authorization);
    if (!match?.[1]) throw new UnauthorizedError('the Authorization header must be "Bearer <key>"');
    const tenant = this.tenantByHash.get(hashApiKey(match[1]));
    if (tenant === undefined) throw new UnauthorizedError('the API key is not valid');
    return tenant;
  }
}
