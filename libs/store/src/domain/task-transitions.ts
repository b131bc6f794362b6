import type { TaskStatus } from '../ports/task.port';
import { StatusMachine } from './status-machine';

/**
 * Task lifecycle. `queued` is optional (only the limiter's queue mode uses it); `compensated`
 * follows `failed` once the sender was told; `completed`, `compensated` and `interrupted` are final.
 */
export const TASK_TRANSITIONS = new StatusMachine<TaskStatus>('task', {
  accepted: ['queued', 'running', 'failed', 'interrupted'],
  queued: ['running', 'failed', 'interrupted'],
  running: ['completed', 'failed', 'interrupted'],
  completed: [],
  failed: ['compensated'],
  compensated: [],
  interrupted: [],
});
