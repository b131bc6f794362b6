/**
 * Running work by task id on this node, so a `cancel(taskId)` from `warren.control`
 * (sent by whichever node handles the interrupt) fires the right AbortSignals.
 */
export class TaskRegistry {
  private readonly byTask = new Map<string, Set<AbortController>>();
  /** Work without a task id: only a shutdown (`cancelAll`) reaches it. */
  private readonly untracked = new Set<AbortController>();

  /** Registers a controller; returns the function that unregisters it. */
  register(taskId: string | undefined, controller: AbortController): () => void {
    if (taskId === undefined) {
      this.untracked.add(controller);
      return () => void this.untracked.delete(controller);
    }
    let set = this.byTask.get(taskId);
    if (!set) {
      set = new Set();
      this.byTask.set(taskId, set);
    }
    set.add(controller);
    return () => {
      // Idempotent: a second call must not drop a newer registration of the same task.
      if (set.delete(controller) && set.size === 0 && this.byTask.get(taskId) === set) this.byTask.delete(taskId);
    };
  }

  /** Aborts every piece of work of `taskId` running here; returns how many. */
  cancel(taskId: string, reason = 'cancelled'): number {
    const set = this.byTask.get(taskId);
    if (!set) return 0;
    for (const c of set) c.abort(reason);
    return set.size;
  }

  /** Aborts everything (shutdown). */
  cancelAll(reason: string): void {
    for (const set of this.byTask.values()) for (const c of set) c.abort(reason);
    for (const c of this.untracked) c.abort(reason);
  }
}
