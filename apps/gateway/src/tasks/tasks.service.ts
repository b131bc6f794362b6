import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '@warren/contracts';
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
}
