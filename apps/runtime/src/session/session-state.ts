/** What a session actor keeps in its saved state. */
export interface SessionState {
  /** Task id of the turn in progress (an interrupt without a task id cuts this one). */
  current?: string;
  /** Tasks cancelled by interrupts, newest last: a redelivered or queued turn among them stays cancelled. */
  cancelled?: string[];
  /** Until when (epoch ms) a proactive message of this session may be pending: its turns tell the intent actor until then. */
  proactiveUntil?: number;
  /** The last confident language of the session (a request's locale or a confident detection, ISO 639-1): what a short turn keeps. */
  language?: string;
}

/** Cancelled task ids kept per session. */
const CANCELLED_KEPT = 32;

export function rememberCancelled(state: SessionState, taskId: string): void {
  const list = (state.cancelled ?? []).filter((id) => id !== taskId);
  list.push(taskId);
  state.cancelled = list.slice(-CANCELLED_KEPT);
}

export function wasCancelled(state: SessionState, taskId: string): boolean {
  return state.cancelled?.includes(taskId) ?? false;
}
