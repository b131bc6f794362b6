import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, scopedTaskId } from '@warren/contracts';
import { type TaskRecord, WARREN_STORE, type WarrenStore } from '@warren/store';

/** Reads tasks for the tenant that owns them. */
@Injectable()
export class TasksService {
  constructor(@Inject(WARREN_STORE) private readonly store: WarrenStore) {}

  /** The task, when it belongs to `tenant`; `NotFoundError` otherwise (another tenant's task is not revealed to exist). */
  async get(tenant: string, taskId: string): Promise<TaskRecord> {
    const task = await this.store.tasks.get(taskId);
    if (!task || task.tenant !== tenant) throw new NotFoundError('task', taskId);
    return task;
  }

  /**
   * A task of one session, named as its producer knows it: a raw AMQP producer's CloudEvent id
   * (its task is stored under the id scoped to the tenant and session) or the id a POST answered.
   */
  async getInSession(tenant: string, sessionId: string, taskId: string): Promise<TaskRecord> {
    for (const id of [scopedTaskId(tenant, sessionId, taskId), taskId]) {
      const task = await this.store.tasks.get(id);
      if (task && task.tenant === tenant && task.sessionId === sessionId) return task;
    }
    throw new NotFoundError('task', taskId);
  }
}
