import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { UnauthorizedError } from '@warren/contracts';
import type { GatewayRequest } from '../http/gateway-request';

/** The caller's tenant, as `ApiKeyGuard` resolved it from the bearer key. */
export const Tenant = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const tenant = context.switchToHttp().getRequest<GatewayRequest>().warrenTenant;
  if (tenant === undefined) throw new UnauthorizedError(); // a route without the guard: refuse rather than guess
  return tenant;
});
