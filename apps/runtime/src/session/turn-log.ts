import type { RuntimeLogger } from '@warren/actors';
import { nestRuntimeLogger } from '@warren/amqp';
import type { TurnScope } from './turn-scope';

let log: RuntimeLogger | undefined;

/**
 * The debug line of an ended turn (one per turn): session, task, outcome, duration, the model and
 * the endpoint that answered, the steps' times. The trace and task ids come with it from the handler's context.
 * The logger is taken at the first turn, after the app's main installed its own.
 */
export function logTurnEnd(turn: TurnScope, outcome: string, more: { model?: string; code?: string } = {}): void {
  log ??= nestRuntimeLogger('SessionTurn');
  log.debug(
    {
      session: turn.ctx.self,
      taskId: turn.taskId,
      outcome,
      ms: Math.round(performance.now() - turn.startedAt),
      ...more,
      ...(turn.routingJournal?.endpoint ? { endpoint: turn.routingJournal.endpoint } : {}),
      steps: turn.steps
        .snapshot()
        .map((s) => `${s.name}:${Math.round(s.durationMs)}`)
        .join(' '),
    },
    `turn ${outcome}`,
  );
}
