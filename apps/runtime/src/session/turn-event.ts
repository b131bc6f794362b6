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
 * ended, with message id `<taskId>:turn-event`, so a redelivered turn is counted once. It goes in
 * the turn's outbox: sent once the turn's end is committed, and again until confirmed.
 */
export function tellTurnEnded(ctx: ActorContext<unknown>, end: TurnEnd): void {
  const event = Object.assign(new TurnEvent(), {
    ...end,
    at: new Date().toISOString(),
  });
  const address = intentAddress(end.tenant, { userId: end.userId, sessionId: end.sessionId });
  ctx.tell(address, event, { messageId: `${end.taskId}:turn-event`, taskId: end.taskId, afterCommit: true }).catch((error: unknown) => {
    log.warn(`${ctx.self}: could not tell ${address} about turn ${end.taskId}: ${(error as Error).message}`);
  });
}
