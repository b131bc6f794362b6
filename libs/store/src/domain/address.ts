import { InvalidAddressError, parseAddress } from '@warren/contracts';

/**
 * Checks an actor address (`<type>/<key>`, type `[a-z][a-z0-9-]*`, key 1-300 characters)
 * before it reaches a query; throws `InvalidAddressError`.
 */
export function assertActorAddress(address: unknown): asserts address is string {
  if (typeof address !== 'string') throw new InvalidAddressError(String(address), 'must be a string');
  parseAddress(address);
}
