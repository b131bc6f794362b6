import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import { type GatewayRequest, headerValue } from '../http/gateway-request';
import { TenantKeys } from './tenant-keys';

/**
 * `Authorization: Bearer <key>` → the key's tenant, put on the request for `@Tenant()`.
 * Missing or unknown keys are refused with `UnauthorizedError` (401 `WARREN_UNAUTHORIZED`).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: TenantKeys;

  constructor(@Inject(GATEWAY_OPTIONS) options: GatewayOptions) {
    this.keys = new TenantKeys(options.tenants);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<GatewayRequest>();
    req.warrenTenant = this.keys.tenantOf(headerValue(req, 'authorization'));
    return true;
  }
}
