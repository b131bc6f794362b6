/**
 * Output moderation of a streamed reply, shared by session turns and chat completions: text leaves
 * only once nothing that follows can make it part of a blocked match or of personal data (see
 * `ModeratedStream` in @warren/moderation); a blocked reply ends with the safe reply.
 */
export { type ModeratedEnd, ModeratedStream as ModeratedOutput } from '@warren/moderation';
