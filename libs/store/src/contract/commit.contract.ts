import { StateConflictError } from '@warren/contracts';
import type { OutboxEntry } from '../ports/actor-state.port';
import { type ContractContext, newSession, uid } from './contract-kit.contract';

function entry(id: string, to = 'session.s.reply'): OutboxEntry {
  return {
    id,
    kind: 'event',
    to,
    envelope: { specversion: '1.0', id, type: 'warren.session.reply', data: { text: id } },
    headers: { 'x-warren-sender': 'session/t~s' },
  };
}

/** Waits for a store's deferred bookkeeping (outbox marks may ride along with a later commit). */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One commit per message: state, processed id, the task, the history and the outbox together. */
export function commitContract(ctx: ContractContext): void {
  describe('commits', () => {
    it('ActorStateStore#save() keeps outbox entries in commit order until markSent() removes them', async () => {
      const address = `session/${uid('o')}`;
      await ctx.store.actors.save({
        address,
        expectedVersion: 0,
        state: 1,
        processed: { id: 'm1', at: 1 },
        outbox: [entry('a'), entry('b')],
      });
      await ctx.store.actors.save({ address, expectedVersion: 1, state: 2, processed: { id: 'm2', at: 2 }, outbox: [entry('c')] });
      const other = await ctx.open();
      expect((await other.actors.load(address)).outbox.map((e) => e.id)).toEqual(['a', 'b', 'c']);
      expect((await other.actors.load(address)).outbox[0]).toEqual(entry('a'));
      await ctx.store.actors.markSent(address, ['a', 'c']);
      await until(async () => (await other.actors.load(address)).outbox.length === 1, 'the marks');
      expect((await other.actors.load(address)).outbox.map((e) => e.id)).toEqual(['b']);
    });

    it('ActorStateStore#save() writes the task and the history parts in the same commit as the state', async () => {
      const { tenant, sessionId } = newSession();
      const address = `session/${tenant}~${sessionId}`;
      const taskId = uid('task');
      await ctx.store.actors.save({
        address,
        expectedVersion: 0,
        state: { turns: 1 },
        processed: { id: taskId, at: 1 },
        outbox: [entry(`${taskId}:reply`)],
        writes: {
          task: {
            create: { id: taskId, tenant, sessionId, actor: address },
            update: { status: 'completed', usage: { totalTokens: 7 }, steps: [{ name: 'model', startedAt: new Date(1), durationMs: 2 }] },
          },
          history: [
            { tenant, sessionId, id: `${taskId}:user`, role: 'user', content: 'hi', taskId },
            { tenant, sessionId, id: `${taskId}:assistant`, role: 'assistant', content: 'hello', taskId },
          ],
        },
      });
      const task = await ctx.store.tasks.get(taskId);
      expect(task).toMatchObject({ id: taskId, tenant, sessionId, status: 'completed', usage: { totalTokens: 7 } });
      // A task that had not been created is created and moved through running, so its transitions stay a legal path.
      expect(task?.transitions.map((t) => t.status)).toEqual(['accepted', 'running', 'completed']);
      expect(task?.steps.map((s) => s.name)).toEqual(['model']);
      expect((await ctx.store.history.lastTurns({ tenant, sessionId }, 10)).map((p) => p.content)).toEqual(['hi', 'hello']);
    });

    it('ActorStateStore#save() with a stale version writes nothing: no task, no history, no outbox', async () => {
      const { tenant, sessionId } = newSession();
      const address = `session/${tenant}~${sessionId}`;
      await ctx.store.actors.save({ address, expectedVersion: 0, state: 1 });
      const taskId = uid('task');
      await expect(
        ctx.store.actors.save({
          address,
          expectedVersion: 0,
          state: 2,
          outbox: [entry('x')],
          writes: {
            task: { create: { id: taskId, tenant, sessionId }, update: { status: 'completed' } },
            history: [{ tenant, sessionId, id: `${taskId}:user`, role: 'user', content: 'lost', taskId }],
          },
        }),
      ).rejects.toBeInstanceOf(StateConflictError);
      expect(await ctx.store.tasks.get(taskId)).toBeUndefined();
      expect(await ctx.store.history.lastTurns({ tenant, sessionId }, 10)).toEqual([]);
      expect((await ctx.store.actors.load(address)).outbox).toEqual([]);
    });

    it('ActorStateStore#save() moves an accepted or running task to its end and leaves an ended one as it is', async () => {
      const { tenant, sessionId } = newSession();
      const address = `session/${tenant}~${sessionId}`;
      const accepted = uid('task');
      const ended = uid('task');
      await ctx.store.tasks.create({ id: accepted, tenant, sessionId });
      await ctx.store.tasks.create({ id: ended, tenant, sessionId, status: 'running' });
      await ctx.store.tasks.updateStatus(ended, { status: 'failed', error: { code: 'WARREN_X', message: 'first end' } });
      await ctx.store.actors.save({
        address,
        expectedVersion: 0,
        state: 1,
        writes: { task: { create: { id: accepted, tenant, sessionId }, update: { status: 'completed' } } },
      });
      await ctx.store.actors.save({
        address,
        expectedVersion: 1,
        state: 2,
        processed: { id: 'second', at: 2 },
        writes: { task: { create: { id: ended, tenant, sessionId }, update: { status: 'completed' } } },
      });
      expect((await ctx.store.tasks.get(accepted))?.transitions.map((t) => t.status)).toEqual(['accepted', 'running', 'completed']);
      expect(await ctx.store.tasks.get(ended)).toMatchObject({ status: 'failed', error: { message: 'first end' } });
      // The commit itself applied.
      expect(await ctx.store.actors.load(address)).toMatchObject({ version: 2, state: 2 });
    });

    it('ActorStateStore#save() refuses an outbox entry without an id or with an id over 255 characters', async () => {
      const address = `session/${uid('o')}`;
      for (const bad of ['', 'x'.repeat(256)]) {
        await expect(ctx.store.actors.save({ address, expectedVersion: 0, state: 1, outbox: [entry(bad)] })).rejects.toMatchObject({
          code: 'WARREN_INVALID_MESSAGE',
        });
      }
      expect((await ctx.store.actors.load(address)).version).toBe(0);
    });
  });
}
