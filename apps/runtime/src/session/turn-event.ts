import { Logger } from '@nestjs/common';
import type { ActorContext } from '@warren/actors';
import { intentAddress, TurnEvent, type TurnEventOutcome } from '@warren/contracts';

const log = new Logger('SessionTurn');

/** What an ended turn tells its intent actor. */
export interface TurnEnd {
  tenant: string;
  sessionId: string;
  taskId: string;
  userId?: string;
  text: string;
  reply?: string;
  language?: string;
  outcome: TurnEventOutcome;
  errorCode?: string;
}

/**
 * Tells the intent actor of the turn's user (or session, see `intentAddress`) that the turn
 * ended, with message id `<taskId>:turn-event`, so a redelivered turn is counted once. A failure
 * to tell is logged and does not fail the turn (the user already has the reply): the intent
 * actor misses that turn.
 */
export async function tellTurnEnded(ctx: ActorContext<unknown>, end: TurnEnd): Promise<void> {
  const event = Object.assign(new TurnEvent(), {
    ...end,
    at: new Date().toISOString(),
  });
  const address = intentAddress(end.tenant, { userId: end.userId, sessionId: end.sessionId });
  try {
    await ctx.tell(address, event, { messageId: `${end.taskId}:turn-event`, taskId: end.taskId });
  } catch (error) {
    log.warn(`${ctx.self}: could not tell ${address} about turn ${end.taskId}: ${(error as Error).message}`);
  }
}
