import { InvalidAddressError } from './errors/api-errors';

/** Actor types: lower case, digits and dashes (`session`, `model`, `limiter`). */
const ACTOR_TYPE = /^[a-z][a-z0-9-]{0,63}$/;
/** Keys: anything printable but `/` and whitespace, at most 200 characters (AMQP routing keys stop at 255 bytes). */
const ACTOR_KEY = /^[^\s/]{1,200}$/;
/** Session ids on the wire: `.`, `*` and `#` would break topic routing. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** A parsed actor address `<type>/<key>`. */
export interface ActorAddress {
  readonly type: string;
  readonly key: string;
}

/** Parses `<type>/<key>`; throws `InvalidAddressError` saying what is wrong. */
export function parseAddress(address: string): ActorAddress {
  const slash = address.indexOf('/');
  if (slash <= 0) throw new InvalidAddressError(address, 'expected "<type>/<key>"');
  const type = address.slice(0, slash);
  const key = address.slice(slash + 1);
  if (!ACTOR_TYPE.test(type)) throw new InvalidAddressError(address, 'type must match [a-z][a-z0-9-]*');
  if (!ACTOR_KEY.test(key)) throw new InvalidAddressError(address, 'key must be 1-200 characters without "/" or spaces');
  return { type, key };
}

/** Formats an address, validating both parts. */
export function formatAddress(type: string, key: string): string {
  const address = `${type}/${key}`;
  parseAddress(address);
  return address;
}

/** True for a valid wire session id. */
export function isValidSessionId(id: unknown): id is string {
  return typeof id === 'string' && SESSION_ID_PATTERN.test(id);
}

/** The session actor key for a tenant's session: `<tenant>~<sessionId>`. */
export function sessionKey(tenant: string, sessionId: string): string {
  return `${tenant}~${sessionId}`;
}
