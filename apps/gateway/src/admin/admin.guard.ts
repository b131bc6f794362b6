import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import { headerValue } from '../http/gateway-request';
import { AdminKeys } from './admin-keys';
import type { AdminRequest } from './admin-request';

/**
 * Guards the admin routes: `Authorization: Bearer <admin key>` → the admin's name, put on the
 * request for `@AdminName()`. No or an unknown key: 401 `WARREN_UNAUTHORIZED`; a tenant's key:
 * 403 `WARREN_FORBIDDEN`.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly keys: AdminKeys;

  constructor(@Inject(GATEWAY_OPTIONS) options: GatewayOptions) {
    this.keys = new AdminKeys(options.admins, options.tenants);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AdminRequest>();
    req.warrenAdmin = this.keys.adminOf(headerValue(req, 'authorization'));
    return true;
  }
}
