import { InvalidOptionsError } from '@warren/contracts';
import type { ModelEndpoint } from './model-endpoint.port';

/** The endpoints a node serves, by name (`model/<name>` is served by `registry.get(name)`). */
export type ModelEndpointRegistry = ReadonlyMap<string, ModelEndpoint>;

/** Nest injection token of the `ModelEndpointRegistry`: `@Inject(MODEL_ENDPOINTS)`. */
export const MODEL_ENDPOINTS = Symbol('warren:model-endpoints');

/** Builds a registry from endpoints; two endpoints with the same name are refused. */
export function createModelEndpointRegistry(endpoints: Iterable<ModelEndpoint>): ModelEndpointRegistry {
  const map = new Map<string, ModelEndpoint>();
  for (const endpoint of endpoints) {
    if (map.has(endpoint.name)) throw new InvalidOptionsError(`models.${endpoint.name}`, 'two model endpoints have this name');
    map.set(endpoint.name, endpoint);
  }
  return map;
}
