import type { IncomingMessage } from 'node:http';

/** A request as the gateway's handlers see it: the guard has put the caller's tenant on it. */
export interface GatewayRequest extends IncomingMessage {
  /** Set by `ApiKeyGuard` from the bearer key; never from the request's body or path. */
  warrenTenant?: string;
}

/** The first value of a request header (Node joins most repeated headers; a few arrive as arrays). */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
