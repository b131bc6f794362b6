import { TaskRegistry } from './task-registry';

describe('TaskRegistry', () => {
  it('TaskRegistry#cancel() aborts every controller of the task with the reason and returns how many', () => {
    const tasks = new TaskRegistry();
    const a = new AbortController();
    const b = new AbortController();
    const other = new AbortController();
    tasks.register('t1', a);
    tasks.register('t1', b);
    tasks.register('t2', other);
    expect(tasks.cancel('t1', 'interrupted')).toBe(2);
    expect(a.signal.aborted).toBe(true);
    expect(b.signal.aborted).toBe(true);
    expect(a.signal.reason).toBe('interrupted');
    expect(other.signal.aborted).toBe(false);
  });

  it('TaskRegistry#cancel() uses "cancelled" as the default reason', () => {
    const tasks = new TaskRegistry();
    const c = new AbortController();
    tasks.register('t1', c);
    tasks.cancel('t1');
    expect(c.signal.reason).toBe('cancelled');
  });

  it('TaskRegistry#cancel() of an unknown task returns 0', () => {
    expect(new TaskRegistry().cancel('nope')).toBe(0);
  });

  it('TaskRegistry#register() returns an unregister function after which cancel() no longer reaches the controller', () => {
    const tasks = new TaskRegistry();
    const a = new AbortController();
    const b = new AbortController();
    const unregisterA = tasks.register('t1', a);
    tasks.register('t1', b);
    unregisterA();
    expect(tasks.cancel('t1')).toBe(1);
    expect(a.signal.aborted).toBe(false);
    expect(b.signal.aborted).toBe(true);
  });

  it('TaskRegistry#register() forgets a task once its last controller unregisters', () => {
    const tasks = new TaskRegistry();
    const a = new AbortController();
    tasks.register('t1', a)();
    expect(tasks.cancel('t1')).toBe(0);
    expect(a.signal.aborted).toBe(false);
  });

  it('TaskRegistry#register() without a task id registers nothing and returns a no-op', () => {
    const tasks = new TaskRegistry();
    const c = new AbortController();
    const unregister = tasks.register(undefined, c);
    expect(() => unregister()).not.toThrow();
    tasks.cancelAll('shutdown');
    expect(c.signal.aborted).toBe(false);
  });

  it('TaskRegistry#cancelAll() aborts every registered controller of every task with the reason', () => {
    const tasks = new TaskRegistry();
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    tasks.register('t1', controllers[0]);
    tasks.register('t1', controllers[1]);
    tasks.register('t2', controllers[2]);
    tasks.cancelAll('shutdown');
    for (const c of controllers) {
      expect(c.signal.aborted).toBe(true);
      expect(c.signal.reason).toBe('shutdown');
    }
  });

  it('TaskRegistry#cancelAll() does not reach controllers that were unregistered', () => {
    const tasks = new TaskRegistry();
    const gone = new AbortController();
    tasks.register('t1', gone)();
    tasks.cancelAll('shutdown');
    expect(gone.signal.aborted).toBe(false);
  });

  // Regression (task-registry.ts, the closure returned by register()): a second call of a stale
  // unregister function used to run `if (set.size === 0) this.byTask.delete(taskId)` on its own,
  // already-removed Set and delete the *newer* Set registered under the same task id, so a later
  // cancel(taskId) no longer aborted the new work.
  test('TaskRegistry#register() unregister is idempotent and never drops a later registration of the same task', () => {
    const tasks = new TaskRegistry();
    const first = new AbortController();
    const unregisterFirst = tasks.register('t1', first);
    unregisterFirst();
    const second = new AbortController();
    tasks.register('t1', second);
    unregisterFirst();
    expect(tasks.cancel('t1')).toBe(1);
    expect(second.signal.aborted).toBe(true);
  });
});
