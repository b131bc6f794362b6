import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { UnauthorizedError } from '@warren/contracts';
import type { GatewayRequest } from '../http/gateway-request';

/** A request of an admin route: `AdminGuard` has put the operator's name on it. */
export interface AdminRequest extends GatewayRequest {
  /** Set by `AdminGuard` from the bearer key; the "who" of the audit log. */
  warrenAdmin?: string;
}

/** The calling admin's name, as `AdminGuard` resolved it from the bearer key. */
export const AdminName = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const admin = context.switchToHttp().getRequest<AdminRequest>().warrenAdmin;
  if (admin === undefined) throw new UnauthorizedError(); // a route without the guard: refuse rather than guess
  return admin;
});
