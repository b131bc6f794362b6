import { InvalidMessageError, InvalidOptionsError } from '@warren/contracts';
import type { NewTurnPart, SessionRef, TurnPart } from '../ports/history.port';
import { at, type ContractContext, newSession, uid } from './contract-kit.contract';

function parts(session: SessionRef, count: number, extra: Partial<NewTurnPart> = {}): NewTurnPart[] {
  return Array.from({ length: count }, (_, i) => ({
    ...session,
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: `part ${i}`,
    at: at(i * 1000),
    ...extra,
  }));
}

const contents = (items: TurnPart[]) => items.map((p) => p.content);

/** HistoryStore: order, paging, idempotent append, erasure. */
export function historyContract(ctx: ContractContext): void {
  describe('history', () => {
    it('HistoryStore#append() stores every field and HistoryStore#lastTurns() returns the last N oldest first', async () => {
      const session = newSession();
      const [first] = await ctx.store.history.append([
        {
          ...session,
          userId: 'u1',
          role: 'assistant',
          content: 'héllo ✓',
          model: 'local',
          tokens: { prompt: 10, completion: 5, total: 15 },
          taskId: 'task-1',
          status: 'interrupted',
          at: at(0),
        },
      ]);
      await ctx.store.history.append(parts(session, 5).map((p, i) => ({ ...p, at: at((i + 1) * 1000) })));
      const all = await ctx.store.history.lastTurns(session, 100);
      expect(all).toHaveLength(6);
      expect(all[0]).toEqual({
        id: first.id,
        ...session,
        userId: 'u1',
        role: 'assistant',
        content: 'héllo ✓',
        model: 'local',
        tokens: { prompt: 10, completion: 5, total: 15 },
        taskId: 'task-1',
        status: 'interrupted',
        at: at(0),
      });
      expect(contents(await ctx.store.history.lastTurns(session, 2))).toEqual(['part 3', 'part 4']);
      expect(all[1].status).toBe('complete');
    });

    it('HistoryStore orders parts by time, then by append order for equal times', async () => {
      const session = newSession();
      await ctx.store.history.append([{ ...session, role: 'user', content: 'late', at: at(5000) }]);
      await ctx.store.history.append(parts(session, 3, { at: at(1000) }));
      await ctx.store.history.append([{ ...session, role: 'assistant', content: 'tie-4', at: at(1000) }]);
      expect(contents(await ctx.store.history.lastTurns(session, 10))).toEqual(['part 0', 'part 1', 'part 2', 'tie-4', 'late']);
    });

    describe('turn order', () => {
      const turn = (
        session: SessionRef,
        taskId: string,
        role: 'user' | 'assistant',
        content: string,
        ms: number,
        extra: Partial<NewTurnPart> = {},
      ) => ({
        ...session,
        id: `${taskId}:${role}`,
        taskId,
        role,
        content,
        at: at(ms),
        ...extra,
      });

      it('HistoryStore puts an answer written after a replay right after its question: u0 a0 u1 a1 u2 a2, not u0 u1 u2 a0 a1 a2', async () => {
        const session = newSession();
        // Three turns failed (only the questions written), then an operator replayed them in order.
        for (const i of [0, 1, 2]) await ctx.store.history.append([turn(session, `t${i}`, 'user', `u${i}`, i * 1000)]);
        for (const i of [0, 1, 2]) await ctx.store.history.append([turn(session, `t${i}`, 'assistant', `a${i}`, 10_000 + i)]);
        const expected = ['u0', 'a0', 'u1', 'a1', 'u2', 'a2'];
        expect(contents(await ctx.store.history.lastTurns(session, 10))).toEqual(expected);
        expect(contents(await ctx.store.history.lastTurns(session, 3))).toEqual(['a1', 'u2', 'a2']);
        for (const order of ['asc', 'desc'] as const) {
          const seen: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await ctx.store.history.page(session, { limit: 2, cursor, order });
            seen.push(...contents(page.items));
            cursor = page.nextCursor;
          } while (cursor !== undefined);
          expect(seen).toEqual(order === 'asc' ? expected : [...expected].reverse());
        }
        // The parts keep the times they were written at.
        const [, a0] = await ctx.store.history.lastTurns(session, 10);
        expect(a0.at).toEqual(at(10_000));
      });

      it('HistoryStore keeps a failed turn answered later by a replay before the turns that came after it', async () => {
        const session = newSession();
        await ctx.store.history.append([turn(session, 'f', 'user', 'failed question', 0)]);
        await ctx.store.history.append([
          turn(session, 'ok', 'user', 'next question', 1000),
          turn(session, 'ok', 'assistant', 'next answer', 1500),
        ]);
        await ctx.store.history.append([turn(session, 'f', 'assistant', 'late answer', 9000)]);
        expect(contents(await ctx.store.history.lastTurns(session, 10))).toEqual([
          'failed question',
          'late answer',
          'next question',
          'next answer',
        ]);
      });

      it('HistoryStore puts the question first in a turn written in one batch, whatever the parts’ times or order (an interrupted turn)', async () => {
        const session = newSession();
        await ctx.store.history.append([
          turn(session, 'i', 'assistant', 'partial', 500, { status: 'interrupted' }),
          turn(session, 'i', 'user', 'question', 400),
        ]);
        await ctx.store.history.append([turn(session, 'j', 'user', 'after', 450)]);
        expect(contents(await ctx.store.history.lastTurns(session, 10))).toEqual(['question', 'partial', 'after']);
      });

      it('HistoryStore sorts a part without a task (a proactive message) by its own time, between turns', async () => {
        const session = newSession();
        await ctx.store.history.append([turn(session, 'p', 'user', 'q1', 0)]);
        await ctx.store.history.append([{ ...session, role: 'assistant', content: 'proactive', at: at(5000) }]);
        await ctx.store.history.append([turn(session, 'p', 'assistant', 'a1', 6000)]);
        await ctx.store.history.append([turn(session, 'q', 'user', 'q2', 7000)]);
        expect(contents(await ctx.store.history.lastTurns(session, 10))).toEqual(['q1', 'a1', 'proactive', 'q2']);
      });

      it('HistoryStore keeps the turns of one task in another session apart (task ids are per session)', async () => {
        const a = newSession();
        const b = { tenant: a.tenant, sessionId: uid('s') };
        await ctx.store.history.append([{ ...turn(a, 'same', 'user', 'in a', 0), id: uid('p') }]);
        await ctx.store.history.append([{ ...turn(b, 'x', 'user', 'first in b', 100), id: uid('p') }]);
        await ctx.store.history.append([{ ...turn(b, 'same', 'assistant', 'answer in b', 200), id: uid('p') }]);
        expect(contents(await ctx.store.history.lastTurns(b, 10))).toEqual(['first in b', 'answer in b']);
      });
    });

    it('HistoryStore#page() pages through a session in both orders without gaps or repeats', async () => {
      const session = newSession();
      await ctx.store.history.append(parts(session, 3, { at: at(0) }));
      await ctx.store.history.append(parts(session, 4).map((p, i) => ({ ...p, content: `later ${i}`, at: at(1000 + i) })));
      const expected = contents(await ctx.store.history.lastTurns(session, 100));
      for (const order of ['asc', 'desc'] as const) {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await ctx.store.history.page(session, { limit: 2, cursor, order });
          seen.push(...contents(page.items));
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== undefined);
        expect(pages).toBe(4);
        expect(seen).toEqual(order === 'asc' ? expected : [...expected].reverse());
      }
      const exact = await ctx.store.history.page(session, { limit: 7 });
      expect(exact.items).toHaveLength(7);
      expect(exact.nextCursor).toBeUndefined();
    });

    it('HistoryStore#append() skips a part whose id is already stored (a redelivered turn)', async () => {
      const session = newSession();
      const id = uid('msg');
      await ctx.store.history.append([{ ...session, id, role: 'user', content: 'once', at: at(0) }]);
      await ctx.store.history.append([
        { ...session, id, role: 'user', content: 'twice', at: at(0) },
        { ...session, role: 'assistant', content: 'reply', at: at(1) },
      ]);
      expect(contents(await ctx.store.history.lastTurns(session, 10))).toEqual(['once', 'reply']);
    });

    it('HistoryStore keeps sessions of different tenants apart', async () => {
      const sessionId = uid('s');
      const a = { tenant: uid('ta'), sessionId };
      const b = { tenant: uid('tb'), sessionId };
      await ctx.store.history.append(parts(a, 2));
      await ctx.store.history.append(parts(b, 1));
      expect(await ctx.store.history.lastTurns(a, 10)).toHaveLength(2);
      expect(await ctx.store.history.lastTurns(b, 10)).toHaveLength(1);
      expect(await ctx.store.history.deleteSession(a)).toBe(2);
      expect(await ctx.store.history.lastTurns(a, 10)).toHaveLength(0);
      expect(await ctx.store.history.lastTurns(b, 10)).toHaveLength(1);
    });

    it('WarrenStore#eraseUser() deletes the user sessions (all roles), tasks and profile, and nothing else', async () => {
      const tenant = uid('t');
      const [s1, s2, other] = [uid('s'), uid('s'), uid('s')];
      await ctx.store.history.append([
        { tenant, sessionId: s1, userId: 'alice', role: 'user', content: 'a1' },
        { tenant, sessionId: s1, role: 'assistant', content: 'r1' },
        { tenant, sessionId: s2, userId: 'alice', role: 'user', content: 'a2' },
        { tenant, sessionId: other, userId: 'bob', role: 'user', content: 'b1' },
      ]);
      await ctx.store.tasks.create({ id: uid('task'), tenant, sessionId: s1 });
      await ctx.store.tasks.create({ id: uid('task'), tenant, userId: 'alice' });
      const bobTask = await ctx.store.tasks.create({ id: uid('task'), tenant, sessionId: other, userId: 'bob' });
      await ctx.store.profiles.upsert(tenant, 'alice', { tags: ['x'] });
      await ctx.store.profiles.upsert(tenant, 'bob', { tags: ['y'] });

      const report = await ctx.store.eraseUser(tenant, 'alice');
      expect(report).toMatchObject({ messages: 3, tasks: 2, profiles: 1 });
      expect([...report.sessionIds].sort()).toEqual([s1, s2].sort());
      expect(await ctx.store.history.lastTurns({ tenant, sessionId: s1 }, 10)).toEqual([]);
      expect(await ctx.store.history.lastTurns({ tenant, sessionId: s2 }, 10)).toEqual([]);
      expect(await ctx.store.profiles.get(tenant, 'alice')).toBeUndefined();
      expect(contents(await ctx.store.history.lastTurns({ tenant, sessionId: other }, 10))).toEqual(['b1']);
      expect(await ctx.store.tasks.get(bobTask.id)).toBeDefined();
      expect(await ctx.store.profiles.get(tenant, 'bob')).toBeDefined();
      expect(await ctx.store.eraseUser(tenant, 'alice')).toEqual({ sessionIds: [], messages: 0, tasks: 0, profiles: 0 });
    });

    it('HistoryStore rejects bad input with typed errors', async () => {
      const session = newSession();
      await expect(ctx.store.history.append([{ ...session, sessionId: 'a.b', role: 'user', content: 'x' }])).rejects.toBeInstanceOf(
        InvalidMessageError,
      );
      await expect(ctx.store.history.append([{ ...session, role: 'robot' as never, content: 'x' }])).rejects.toMatchObject({
        code: 'WARREN_INVALID_MESSAGE',
        violations: [{ field: 'parts[0].role' }],
      });
      await expect(ctx.store.history.page(session, { cursor: 'garbage' })).rejects.toBeInstanceOf(InvalidOptionsError);
      await expect(ctx.store.history.lastTurns(session, 0)).rejects.toBeInstanceOf(InvalidOptionsError);
    });
  });
}
