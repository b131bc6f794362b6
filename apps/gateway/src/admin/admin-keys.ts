import { ForbiddenError, UnauthorizedError } from '@warren/contracts';
import { type GatewayAdmin, type GatewayTenant, hashApiKey } from '../gateway.options';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * Admin API key hash → admin name, built once from the options. A tenant's key is known too, so
 * that it is refused with 403 (valid credentials, not an operator's) rather than 401.
 */
export class AdminKeys {
  private readonly adminByHash = new Map<string, string>();
  private readonly tenantHashes = new Set<string>();

  constructor(admins: Readonly<Record<string, GatewayAdmin>>, tenants: Readonly<Record<string, GatewayTenant>>) {
    for (const [admin, { apiKeys }] of Object.entries(admins)) for (const hash of apiKeys) this.adminByHash.set(hash, admin);
    for (const { apiKeys } of Object.values(tenants)) for (const hash of apiKeys) this.tenantHashes.add(hash);
  }

  /**
   * The admin of an `Authorization` header value. `UnauthorizedError` (401) when it is missing,
   * malformed or unknown; `ForbiddenError` (403) when it is a tenant's key.
   */
  adminOf(authorization: string | undefined): string {
    if (!authorization) throw new UnauthorizedError('an admin API key is required (Authorization: Bearer <admin key>)');
    const match = BEARER.exec(authorization);
    if (!match?.[1]) throw new UnauthorizedError('the Authorization header must be "Bearer <key>"');
    const hash = hashApiKey(match[1]);
    const admin = this.adminByHash.get(hash);
    if (admin !== undefined) return admin;
    if (this.tenantHashes.has(hash))
      throw new ForbiddenError('this is a tenant API key; the admin API needs an admin key (gateway.admins)');
    throw new UnauthorizedError('the API key is not valid');
  }
}
