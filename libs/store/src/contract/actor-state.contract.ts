import { DocumentTooLargeError, InvalidAddressError, InvalidOptionsError, StateConflictError } from '@warren/contracts';
import { type ContractContext, uid } from './contract-kit.contract';

/** ActorStateStore: versioned saves, the processed window, bad input. */
export function actorStateContract(ctx: ContractContext): void {
  describe('actors', () => {
    it('ActorStateStore#load() returns version 0 and no state for an unknown address', async () => {
      const record = await ctx.store.actors.load(`session/${uid('a')}`);
      expect(record).toMatchObject({ version: 0, state: undefined, processed: [], steps: undefined, updatedAt: undefined });
    });

    it('ActorStateStore#save() stores state, processed id with its reply and steps in one update', async () => {
      const address = `session/${uid('a')}`;
      const v1 = await ctx.store.actors.save({
        address,
        expectedVersion: 0,
        state: { turns: 1, nested: { list: [1, 'two', null] } },
        processed: { id: 'm1', reply: { text: 'hi' }, at: 1000 },
        steps: { preprocess: { lang: 'en' } },
      });
      expect(v1).toBe(1);
      const record = await ctx.store.actors.load(address);
      expect(record.version).toBe(1);
      expect(record.state).toEqual({ turns: 1, nested: { list: [1, 'two', null] } });
      expect(record.processed).toEqual([{ id: 'm1', reply: { text: 'hi' }, at: 1000 }]);
      expect(record.steps).toEqual({ preprocess: { lang: 'en' } });
      expect(record.updatedAt).toBeInstanceOf(Date);
    });

    it('ActorStateStore#save() keeps steps when undefined, replaces them when given and clears them with null', async () => {
      const address = `session/${uid('a')}`;
      await ctx.store.actors.save({ address, expectedVersion: 0, state: 1, steps: { model: 'a' } });
      await ctx.store.actors.save({ address, expectedVersion: 1, state: 2 });
      expect((await ctx.store.actors.load(address)).steps).toEqual({ model: 'a' });
      await ctx.store.actors.save({ address, expectedVersion: 2, state: 3, steps: { model: 'b' } });
      expect((await ctx.store.actors.load(address)).steps).toEqual({ model: 'b' });
      await ctx.store.actors.save({ address, expectedVersion: 3, state: undefined, steps: null });
      expect(await ctx.store.actors.load(address)).toMatchObject({ version: 4, state: undefined, steps: undefined });
    });

    it('ActorStateStore#save() rejects a stale version with StateConflictError and never overwrites', async () => {
      const address = `session/${uid('a')}`;
      await ctx.store.actors.save({ address, expectedVersion: 0, state: 'first' });
      await expect(ctx.store.actors.save({ address, expectedVersion: 0, state: 'again' })).rejects.toMatchObject({
        constructor: StateConflictError,
        code: 'WARREN_STATE_CONFLICT',
        address,
        expectedVersion: 0,
      });
      await ctx.store.actors.save({ address, expectedVersion: 1, state: 'second' });
      await expect(ctx.store.actors.save({ address, expectedVersion: 1, state: 'stale' })).rejects.toBeInstanceOf(StateConflictError);
      await expect(ctx.store.actors.save({ address, expectedVersion: 5, state: 'ahead' })).rejects.toBeInstanceOf(StateConflictError);
      expect(await ctx.store.actors.load(address)).toMatchObject({ version: 2, state: 'second' });
    });

    it.each([0, 3])('ActorStateStore#save() lets exactly one of concurrent saves at version %i win', async (version) => {
      const address = `session/${uid('a')}`;
      for (let v = 0; v < version; v++) await ctx.store.actors.save({ address, expectedVersion: v, state: v });
      const writers = [ctx.store, await ctx.open(), await ctx.open()];
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          writers[i % writers.length].actors.save({ address, expectedVersion: version, state: `w${i}`, processed: { id: `m${i}`, at: i } }),
        ),
      );
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StateConflictError);
      const record = await ctx.store.actors.load(address);
      expect(record).toMatchObject({ version: version + 1, state: `w${won[0]}` });
      expect(record.processed.map((p) => p.id)).toEqual([`m${won[0]}`]);
    });

    it('ActorStateStore#hasProcessed() detects a redelivered message id and the stored reply is returned', async () => {
      const address = `session/${uid('a')}`;
      await ctx.store.actors.save({ address, expectedVersion: 0, state: 1, processed: { id: 'ask-1', reply: { ok: true }, at: 1 } });
      await ctx.store.actors.save({ address, expectedVersion: 1, state: 2, processed: { id: 'tell-2', at: 2 } });
      expect(await ctx.store.actors.hasProcessed(address, 'ask-1')).toBe(true);
      expect(await ctx.store.actors.hasProcessed(address, 'tell-2')).toBe(true);
      expect(await ctx.store.actors.hasProcessed(address, 'never')).toBe(false);
      expect(await ctx.store.actors.hasProcessed(`session/${uid('other')}`, 'ask-1')).toBe(false);
      const processed = (await ctx.store.actors.load(address)).processed;
      expect(processed.find((p) => p.id === 'ask-1')?.reply).toEqual({ ok: true });
      expect(processed.find((p) => p.id === 'tell-2')).not.toHaveProperty('reply');
    });

    it('ActorStateStore keeps only the last processedWindow ids', async () => {
      const store = await ctx.open({ processedWindow: 4 });
      const address = `session/${uid('a')}`;
      for (let v = 0; v < 7; v++) {
        await store.actors.save({ address, expectedVersion: v, state: v, processed: { id: `m${v}`, at: v } });
      }
      await store.actors.save({ address, expectedVersion: 7, state: 'no message' });
      const record = await store.actors.load(address);
      expect(record.processed.map((p) => p.id).sort()).toEqual(['m3', 'm4', 'm5', 'm6']);
      expect(await store.actors.hasProcessed(address, 'm2')).toBe(false);
      expect(await store.actors.hasProcessed(address, 'm3')).toBe(true);
    });

    it('ActorStateStore#delete() removes the record; the next first save starts at version 1', async () => {
      const address = `limiter/${uid('a')}`;
      await ctx.store.actors.save({ address, expectedVersion: 0, state: 1, processed: { id: 'x', at: 1 } });
      await ctx.store.actors.delete(address);
      expect(await ctx.store.actors.load(address)).toMatchObject({ version: 0, processed: [] });
      expect(await ctx.store.actors.hasProcessed(address, 'x')).toBe(false);
      expect(await ctx.store.actors.save({ address, expectedVersion: 0, state: 2 })).toBe(1);
    });

    it('ActorStateStore survives a restart: a store opened later reads what a closed one wrote', async () => {
      const address = `session/${uid('a')}`;
      const first = await ctx.open();
      await first.actors.save({ address, expectedVersion: 0, state: { kept: true }, processed: { id: 'p', at: 5 } });
      await first.close();
      const second = await ctx.open();
      expect(await second.actors.load(address)).toMatchObject({ version: 1, state: { kept: true } });
      expect(await second.actors.hasProcessed(address, 'p')).toBe(true);
    });

    it.each(['', 'session', '/key', 'Session/key', '1abc/key', 'session/', 'session/a/b', `session/${'k'.repeat(301)}`])(
      'ActorStateStore rejects the address %p with InvalidAddressError',
      async (address) => {
        await expect(ctx.store.actors.load(address)).rejects.toBeInstanceOf(InvalidAddressError);
        await expect(ctx.store.actors.save({ address, expectedVersion: 0, state: 1 })).rejects.toMatchObject({
          code: 'WARREN_INVALID_ADDRESS',
          address,
        });
        await expect(ctx.store.actors.hasProcessed(address, 'm')).rejects.toBeInstanceOf(InvalidAddressError);
      },
    );

    it('ActorStateStore#save() rejects a document over maxDocumentBytes with DocumentTooLargeError', async () => {
      const store = await ctx.open({ maxDocumentBytes: 4096 });
      const address = `session/${uid('a')}`;
      await expect(store.actors.save({ address, expectedVersion: 0, state: 'x'.repeat(5000) })).rejects.toMatchObject({
        constructor: DocumentTooLargeError,
        code: 'WARREN_DOCUMENT_TOO_LARGE',
        collection: 'actors',
        limitBytes: 4096,
      });
      await expect(
        store.actors.save({ address, expectedVersion: 0, state: 1, processed: { id: 'm', reply: 'y'.repeat(5000), at: 1 } }),
      ).rejects.toBeInstanceOf(DocumentTooLargeError);
      expect((await store.actors.load(address)).version).toBe(0);
    });

    it('ActorStateStore#save() rejects a negative or fractional expectedVersion with InvalidOptionsError', async () => {
      const address = `session/${uid('a')}`;
      await expect(ctx.store.actors.save({ address, expectedVersion: -1, state: 1 })).rejects.toBeInstanceOf(InvalidOptionsError);
      await expect(ctx.store.actors.save({ address, expectedVersion: 1.5, state: 1 })).rejects.toBeInstanceOf(InvalidOptionsError);
    });
  });
}
