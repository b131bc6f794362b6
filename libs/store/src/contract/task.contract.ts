import { InvalidMessageError, InvalidOptionsError, InvalidTransitionError, NotFoundError } from '@warren/contracts';
import type { TaskStatus } from '../ports/task.port';
import { at, type ContractContext, uid } from './contract-kit.contract';

/** TaskStore: creation, validated atomic transitions, step timings. */
export function taskContract(ctx: ContractContext): void {
  describe('tasks', () => {
    it('TaskStore#create() starts a task as accepted; creating it again returns the stored task', async () => {
      const id = uid('task');
      const task = await ctx.store.tasks.create({ id, tenant: 'acme', sessionId: 's1', actor: 'session/acme~s1', at: at(0) });
      expect(task).toEqual({
        id,
        tenant: 'acme',
        sessionId: 's1',
        actor: 'session/acme~s1',
        status: 'accepted',
        steps: [],
        transitions: [{ status: 'accepted', at: at(0) }],
        createdAt: at(0),
        updatedAt: at(0),
      });
      await ctx.store.tasks.updateStatus(id, { status: 'running', at: at(5) });
      const again = await ctx.store.tasks.create({ id, tenant: 'acme', at: at(9) });
      expect(again).toMatchObject({ status: 'running', createdAt: at(0) });
      expect(await ctx.store.tasks.get(id)).toEqual(again);
    });

    it('TaskStore#create() with status running records it accepted and running at the same instant', async () => {
      const id = uid('task');
      const task = await ctx.store.tasks.create({ id, tenant: 'acme', sessionId: 's1', status: 'running', at: at(0) });
      expect(task.status).toBe('running');
      expect(task.transitions).toEqual([
        { status: 'accepted', at: at(0) },
        { status: 'running', at: at(0) },
      ]);
      expect(await ctx.store.tasks.get(id)).toEqual(task);
      const done = await ctx.store.tasks.updateStatus(id, { status: 'completed', at: at(1) });
      expect(done.transitions.map((t) => t.status)).toEqual(['accepted', 'running', 'completed']);
    });

    it('TaskStore#updateStatus() walks the lifecycle and records steps with their timings', async () => {
      const id = uid('task');
      await ctx.store.tasks.create({ id, tenant: 'acme', at: at(0) });
      await ctx.store.tasks.updateStatus(id, { status: 'queued', at: at(1) });
      await ctx.store.tasks.updateStatus(id, {
        status: 'running',
        at: at(2),
        routing: { endpoint: 'model/local', reason: '$cheapest' },
        steps: [{ name: 'preprocess', startedAt: at(1), endedAt: at(2), durationMs: 1, outcome: 'ok' }],
      });
      await ctx.store.tasks.updateStatus(id, {
        status: 'running',
        at: at(3),
        steps: [{ name: '$model', startedAt: at(2), endedAt: at(3), durationMs: 1 }],
      });
      const done = await ctx.store.tasks.updateStatus(id, {
        status: 'completed',
        at: at(4),
        usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
      });
      expect(done).toMatchObject({
        status: 'completed',
        routing: { endpoint: 'model/local', reason: '$cheapest' },
        usage: { totalTokens: 7 },
        updatedAt: at(4),
      });
      expect(done.steps).toEqual([
        { name: 'preprocess', startedAt: at(1), endedAt: at(2), durationMs: 1, outcome: 'ok' },
        { name: '$model', startedAt: at(2), endedAt: at(3), durationMs: 1 },
      ]);
      expect(done.transitions.map((t) => t.status)).toEqual(['accepted', 'queued', 'running', 'completed']);
      expect(await ctx.store.tasks.get(id)).toEqual(done);
    });

    const forbidden: Array<[TaskStatus[], TaskStatus]> = [
      [['running', 'completed'], 'running'],
      [['running', 'completed'], 'failed'],
      [['running', 'interrupted'], 'completed'],
      [['running', 'failed', 'compensated'], 'failed'],
      [['queued'], 'accepted'],
      [['running'], 'compensated'],
    ];
    it.each(forbidden)('TaskStore#updateStatus() refuses %p → %s with InvalidTransitionError', async (path, to) => {
      const id = uid('task');
      await ctx.store.tasks.create({ id, tenant: 'acme' });
      for (const status of path) await ctx.store.tasks.updateStatus(id, { status });
      const from = path[path.length - 1];
      await expect(ctx.store.tasks.updateStatus(id, { status: to })).rejects.toMatchObject({
        constructor: InvalidTransitionError,
        code: 'WARREN_INVALID_TRANSITION',
        entity: 'task',
        from,
        to,
      });
      expect((await ctx.store.tasks.get(id))?.status).toBe(from);
    });

    it('TaskStore#updateStatus() runs a failed or compensated task again (a replayed turn)', async () => {
      for (const path of [
        ['running', 'failed'],
        ['running', 'failed', 'compensated'],
      ] as TaskStatus[][]) {
        const id = uid('task');
        await ctx.store.tasks.create({ id, tenant: 'acme', at: at(0) });
        for (const [i, status] of path.entries()) await ctx.store.tasks.updateStatus(id, { status, at: at(i + 1) });
        const rerun = await ctx.store.tasks.updateStatus(id, { status: 'running', at: at(10) });
        expect(rerun.status).toBe('running');
        const done = await ctx.store.tasks.updateStatus(id, { status: 'completed', at: at(11) });
        expect(done.transitions.map((t) => t.status)).toEqual(['accepted', ...path, 'running', 'completed']);
      }
    });

    it('TaskStore#updateStatus() lets exactly one of two racing final statuses win', async () => {
      const id = uid('task');
      await ctx.store.tasks.create({ id, tenant: 'acme' });
      await ctx.store.tasks.updateStatus(id, { status: 'running' });
      const other = await ctx.open();
      const results = await Promise.allSettled([
        ctx.store.tasks.updateStatus(id, { status: 'completed' }),
        other.tasks.updateStatus(id, { status: 'interrupted' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(InvalidTransitionError);
      const final = await ctx.store.tasks.get(id);
      expect(final?.transitions.map((t) => t.status)).toEqual(['accepted', 'running', final?.status]);
    });

    it('TaskStore rejects unknown ids, statuses and bad steps with typed errors', async () => {
      expect(await ctx.store.tasks.get(uid('missing'))).toBeUndefined();
      await expect(ctx.store.tasks.updateStatus(uid('missing'), { status: 'running' })).rejects.toBeInstanceOf(NotFoundError);
      const id = uid('task');
      await ctx.store.tasks.create({ id, tenant: 'acme' });
      await expect(ctx.store.tasks.updateStatus(id, { status: 'done' as never })).rejects.toBeInstanceOf(InvalidOptionsError);
      await expect(
        ctx.store.tasks.updateStatus(id, { status: 'running', steps: [{ name: 'x', startedAt: 'yesterday' as never }] }),
      ).rejects.toBeInstanceOf(InvalidMessageError);
      await expect(ctx.store.tasks.create({ id: '', tenant: 'acme' })).rejects.toBeInstanceOf(InvalidMessageError);
      await expect(ctx.store.tasks.create({ id: uid('t'), tenant: 'acme', status: 'completed' as never })).rejects.toBeInstanceOf(
        InvalidMessageError,
      );
    });
  });
}
