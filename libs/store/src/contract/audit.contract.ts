import { InvalidMessageError } from '@warren/contracts';
import type { AuditEntry } from '../ports/audit.port';
import { type ContractContext, uid } from './contract-kit.contract';

/** AuditStore: append-only, newest first. */
export function auditContract(ctx: ContractContext): void {
  describe('audit log', () => {
    it('AuditStore#append() records who did what to how many, and #list() pages newest first', async () => {
      const actor = uid('key');
      // Far in the future, so these are the newest entries whatever else the store holds.
      const future = (ms: number) => new Date(Date.UTC(2200, 0, 1) + ms);
      const appended: AuditEntry[] = [];
      appended.push(
        await ctx.store.audit.append({
          actor,
          action: 'dlq.replay',
          count: 3,
          target: 'm1 m2 m3',
          details: { force: true },
          at: future(0),
        }),
      );
      appended.push(await ctx.store.audit.append({ actor, action: 'dlq.discard', count: 1, target: 'status=open', at: future(5) }));
      appended.push(await ctx.store.audit.append({ actor, action: 'dlq.restore', count: 1, at: future(5) }));
      const other = await ctx.open();
      appended.push(await other.audit.append({ actor, action: 'dlq.purge', count: 0, at: future(5) }));
      expect(appended[0]).toEqual({
        id: expect.any(String),
        actor,
        action: 'dlq.replay',
        count: 3,
        target: 'm1 m2 m3',
        details: { force: true },
        at: future(0),
      });
      expect(new Set(appended.map((e) => e.id)).size).toBe(4);
      const seen: AuditEntry[] = [];
      let cursor: string | undefined;
      do {
        const page = await ctx.store.audit.list({ limit: 3, cursor });
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== undefined && seen.length < 4);
      expect(seen.slice(0, 4)).toEqual([appended[3], appended[2], appended[1], appended[0]]);
      const now = await ctx.store.audit.append({ actor, action: 'dlq.edit', count: 1 });
      expect(Math.abs(now.at.getTime() - Date.now())).toBeLessThan(60_000);
      await expect(ctx.store.audit.append({ actor: '', action: 'dlq.replay', count: 1 })).rejects.toBeInstanceOf(InvalidMessageError);
      await expect(ctx.store.audit.append({ actor, action: 'dlq.replay', count: -1 })).rejects.toBeInstanceOf(InvalidMessageError);
    });
  });
}
