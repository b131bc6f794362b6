import type { TaskStatus } from '../ports/task.port';
import { StatusMachine } from './status-machine';

/**
 * Task lifecycle. `queued` is optional (only the limiter's queue mode uses it); `compensated`
 * follows `failed` once the sender was told; `completed` and `interrupted` are final. A replayed
 * turn (an operator's dead letter replay keeps the task id) runs its task again, so `failed →
 * running` and `compensated → running` are allowed.
 */
export const TASK_TRANSITIONS = new StatusMachine<TaskStatus>('task', {
  accepted: ['queued', 'running', 'failed', 'interrupted'],
  queued: ['running', 'failed', 'interrupted'],
  running: ['completed', 'failed', 'interrupted'],
  completed: [],
  failed: ['compensated', 'running'],
  compensated: ['running'],
  interrupted: [],
});
