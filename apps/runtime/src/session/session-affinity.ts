import type { SessionState } from './session-state';

/** The session state's routing part: the endpoint that served the last turn (session affinity). */
interface AffinityState extends SessionState {
  lastEndpoint?: string;
}

/** The endpoint that served the session's previous turn, if any. */
export function lastEndpointOf(state: SessionState | undefined): string | undefined {
  return (state as AffinityState | undefined)?.lastEndpoint;
}

/** Remembers the endpoint that served this turn (saved with the session's state). */
export function rememberEndpoint(state: SessionState | undefined, endpoint: string): void {
  if (state) (state as AffinityState).lastEndpoint = endpoint;
}
