import { InvalidMessageError, type SessionMessage } from '@warren/contracts';
import { chatTarget } from '../chat/chat-target';
import type { SessionRouting } from './session-routing';

/**
 * The routing target a message names itself (`model` or `strategy`), handed to the router as the
 * request's strategy (it wins over the tenant's and the route's): `strategy` must be one of
 * `routing.strategies`; `model` is read as on the OpenAI-compatible route (`auto`: nothing, a
 * strategy, a route's target, an endpoint of `models:`). Undefined when the message names neither.
 * The gateway checks both names before it accepts; a raw producer's wrong name ends the turn with
 * `WARREN_INVALID_MESSAGE` naming the field.
 */
export function requestTarget(msg: Pick<SessionMessage, 'model' | 'strategy'>, routing: SessionRouting): string | undefined {
  if (msg.model !== undefined && msg.strategy !== undefined) throw invalid('strategy', 'give model or strategy, not both');
  if (msg.strategy !== undefined) {
    if (!routing.options.strategies[msg.strategy]) throw invalid('strategy', `no routing strategy ${msg.strategy}`);
    return msg.strategy;
  }
  if (msg.model === undefined) return undefined;
  try {
    return chatTarget(msg.model, routing.options, routing.endpoints).strategy;
  } catch {
    throw invalid('model', `no model ${msg.model} (auto, a strategy, a route or an endpoint)`);
  }
}

function invalid(field: 'model' | 'strategy', rule: string): InvalidMessageError {
  return new InvalidMessageError(rule, [{ field, constraints: [rule] }]);
}
