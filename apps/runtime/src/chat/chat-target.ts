import { NotFoundError } from '@warren/contracts';
import type { RoutingOptions } from '@warren/models';

/** What the router is asked for a request's `model`: nothing (`auto`: the tenant's or the default target) or a target. */
export interface ChatTarget {
  strategy?: string;
  /** How `model` was read: `auto`, `strategy`, `route` or `endpoint`. */
  kind: 'auto' | 'strategy' | 'route' | 'endpoint';
}

/**
 * Reads the `model` of an OpenAI-style request: `auto` → the routing as for a turn (tenant, then
 * `routing.default`); a strategy name → that strategy; a route name (`voice`, `text`) → the
 * route's target; an endpoint served here (`local`, `models.endpoints.<name>`) → that endpoint.
 * Anything else is `WARREN_NOT_FOUND` (OpenAI answers an unknown model with 404).
 */
export function chatTarget(model: string, routing: RoutingOptions, endpoints: ReadonlySet<string>): ChatTarget {
  if (model === 'auto') return { kind: 'auto' };
  if (routing.strategies[model]) return { strategy: model, kind: 'strategy' };
  const route = routing.routes[model];
  if (route) return { strategy: route, kind: 'route' };
  if (endpoints.has(model)) return { strategy: model, kind: 'endpoint' };
  throw new NotFoundError('model', model);
}
