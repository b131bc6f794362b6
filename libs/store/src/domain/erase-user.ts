import type { HistoryStore } from '../ports/history.port';
import type { ProfileStore } from '../ports/profile.port';
import type { TaskStore } from '../ports/task.port';
import type { ErasureReport } from '../warren-store';

/**
 * Right to erasure across the stores: history first (it finds the user's sessions), then the
 * tasks of the user and of those sessions, then the profile. Each step is idempotent, so a call
 * that fails half-way is completed by calling again.
 */
export async function eraseUserData(
  stores: { history: HistoryStore; tasks: TaskStore; profiles: ProfileStore },
  tenant: string,
  userId: string,
): Promise<ErasureReport> {
  const history = await stores.history.eraseUser(tenant, userId);
  const tasks = await stores.tasks.eraseUser(tenant, userId, history.sessionIds);
  const profiles = (await stores.profiles.delete(tenant, userId)) ? 1 : 0;
  return { sessionIds: history.sessionIds, messages: history.deleted, tasks, profiles };
}
