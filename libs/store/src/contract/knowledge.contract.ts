import { InvalidMessageError } from '@warren/contracts';
import { KnowledgeBase, type TextEmbedder } from '../knowledge/knowledge-base';
import { type ContractContext, uid } from './contract-kit.contract';

/** A deterministic bag-of-words embedder (words and their 4-letter prefixes hashed into 64 dimensions). */
export const CONTRACT_EMBEDDER: TextEmbedder = {
  model: 'contract-hash-64',
  async embed(texts) {
    return texts.map((text) => {
      const v = new Array<number>(64).fill(0);
      for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
        for (const feature of [word, `p:${word.slice(0, 4)}`]) {
          let h = 2166136261;
          for (let i = 0; i < feature.length; i++) h = Math.imul(h ^ feature.charCodeAt(i), 16777619) >>> 0;
          v[h % 64] += 1;
        }
      }
      const norm = Math.hypot(...v) || 1;
      return v.map((x) => x / norm);
    });
  },
};

/** KnowledgeStore through a KnowledgeBase: versions, deletes, lexical and hybrid search, tenants. */
export function knowledgeContract(ctx: ContractContext): void {
  describe('knowledge base', () => {
    const kb = () => new KnowledgeBase(ctx.store.knowledge, { embedder: CONTRACT_EMBEDDER, maxPassageChars: 200 });

    it('KnowledgeBase#upsert() stores a document split into passages, and #search() finds its passages by their words', async () => {
      const tenant = uid('t');
      const text = `${'Parking is free on weekends for all visitors. '.repeat(4)}\n\nThe museum opens at nine in the morning and closes at six.`;
      expect(await kb().upsert({ tenant, id: 'faq', title: 'Visitor FAQ', text, metadata: { lang: 'en' }, version: 1 })).toEqual({
        outcome: 'applied',
        version: 1,
      });
      const doc = await ctx.store.knowledge.get(tenant, 'faq');
      expect(doc).toMatchObject({
        tenant,
        id: 'faq',
        collection: 'default',
        title: 'Visitor FAQ',
        text,
        metadata: { lang: 'en' },
        version: 1,
      });
      expect(doc?.passages).toBeGreaterThanOrEqual(2);
      const hits = await kb().search({ tenant, text: 'when does the museum open?', topK: 3 });
      expect(hits[0]).toMatchObject({ documentId: 'faq', passageId: expect.stringMatching(/^faq#\d+$/), title: 'Visitor FAQ', version: 1 });
      expect(hits[0].text).toContain('museum opens at nine');
      expect(hits[0].score).toBeGreaterThan(0);
      expect(hits[0].score).toBeLessThanOrEqual(1);
      expect(hits[0].lexical).toEqual({ rank: 1, score: expect.any(Number) });
      expect(await kb().search({ tenant, text: 'zebra xylophone', topK: 3 })).toEqual(
        ctx.store.knowledge.hasVectorIndex ? expect.any(Array) : [],
      );
      // another process sees it at once
      const other = await ctx.open();
      expect((await new KnowledgeBase(other.knowledge).search({ tenant, text: 'parking weekends', topK: 1 }))[0]?.documentId).toBe('faq');
    });

    it('KnowledgeStore#upsert() applies a newer version once: an older one is stale, the same one a duplicate', async () => {
      const tenant = uid('t');
      await kb().upsert({ tenant, id: 'd', text: 'The office is in Lisbon.', version: 5 });
      expect(await kb().upsert({ tenant, id: 'd', text: 'The office is in Porto.', version: 4 })).toEqual({ outcome: 'stale', version: 5 });
      expect(await kb().upsert({ tenant, id: 'd', text: 'The office is in Lisbon.', version: 5 })).toEqual({
        outcome: 'duplicate',
        version: 5,
      });
      expect(await kb().search({ tenant, text: 'Porto', topK: 5 })).toHaveLength(0);
      expect(await kb().upsert({ tenant, id: 'd', text: 'The office moved to Madrid.', version: 7 })).toEqual({
        outcome: 'applied',
        version: 7,
      });
      const lisbon = await kb().search({ tenant, text: 'Lisbon', topK: 5 });
      expect(lisbon.filter((h) => h.text.includes('Lisbon'))).toHaveLength(0);
      const madrid = await kb().search({ tenant, text: 'Madrid', topK: 5 });
      expect(madrid.map((h) => [h.documentId, h.version, h.text])).toEqual([['d', 7, 'The office moved to Madrid.']]);
    });

    it('KnowledgeStore#delete() removes the passages; a late older upsert does not bring the document back', async () => {
      const tenant = uid('t');
      await kb().upsert({ tenant, id: 'gone', text: 'Refunds take fourteen days.', version: 2 });
      expect(await ctx.store.knowledge.delete(tenant, 'gone', 1)).toEqual({ outcome: 'stale', version: 2 });
      expect(await ctx.store.knowledge.delete(tenant, 'gone', 3)).toEqual({ outcome: 'applied', version: 3 });
      expect(await ctx.store.knowledge.delete(tenant, 'gone', 3)).toEqual({ outcome: 'duplicate', version: 3 });
      expect(await ctx.store.knowledge.get(tenant, 'gone')).toBeUndefined();
      expect(await kb().search({ tenant, text: 'refunds fourteen days', topK: 5 })).toEqual([]);
      expect((await kb().upsert({ tenant, id: 'gone', text: 'Refunds take fourteen days.', version: 2 })).outcome).toBe('stale');
      expect(await kb().search({ tenant, text: 'refunds', topK: 5 })).toEqual([]);
      expect((await kb().upsert({ tenant, id: 'gone', text: 'Refunds take three days.', version: 4 })).outcome).toBe('applied');
      expect((await kb().search({ tenant, text: 'refunds', topK: 5 }))[0]?.text).toBe('Refunds take three days.');
      expect(await ctx.store.knowledge.delete(tenant, 'never-was')).toEqual({ outcome: 'stale' });
      expect((await ctx.store.knowledge.delete(tenant, 'gone')).outcome).toBe('applied');
    });

    it("KnowledgeBase#search() never returns another tenant's passages", async () => {
      const a = uid('t');
      const b = uid('t');
      await kb().upsert({ tenant: a, id: 'same-id', text: 'Alpha secret: the vault code is orange.', version: 1 });
      await kb().upsert({ tenant: b, id: 'same-id', text: 'Beta secret: the vault code is purple.', version: 1 });
      const forA = await kb().search({ tenant: a, text: 'vault code secret orange purple', topK: 10 });
      expect(forA.map((h) => h.text)).toEqual(['Alpha secret: the vault code is orange.']);
      await ctx.store.knowledge.delete(a, 'same-id', 2);
      expect(await kb().search({ tenant: a, text: 'vault code', topK: 10 })).toEqual([]);
      expect((await kb().search({ tenant: b, text: 'vault code', topK: 10 })).map((h) => h.text)).toEqual([
        'Beta secret: the vault code is purple.',
      ]);
      expect((await ctx.store.knowledge.list(a)).map((d) => d.id)).toEqual([]);
      expect((await ctx.store.knowledge.list(b)).map((d) => d.id)).toEqual(['same-id']);
    });

    it('KnowledgeBase#search() filters by collection, keeps topK and minScore', async () => {
      const tenant = uid('t');
      await kb().upsert({ tenant, id: 'hr-1', collection: 'hr', text: 'Holiday policy: twenty five days of holiday.', version: 1 });
      await kb().upsert({ tenant, id: 'it-1', collection: 'it', text: 'Holiday laptop policy: take your laptop home.', version: 1 });
      const hr = await kb().search({ tenant, text: 'holiday policy', topK: 5, collections: ['hr'] });
      expect(hr.map((h) => [h.documentId, h.collection])).toEqual([['hr-1', 'hr']]);
      expect(await kb().search({ tenant, text: 'holiday policy', topK: 1 })).toHaveLength(1);
      const all = await kb().search({ tenant, text: 'holiday policy', topK: 5 });
      expect(all.map((h) => h.documentId).sort()).toEqual(['hr-1', 'it-1']);
      const strict = await kb().search({ tenant, text: 'holiday policy', topK: 5, minScore: 0.99 });
      expect(strict.length).toBeLessThan(all.length);
      for (const h of strict) expect(h.score).toBeGreaterThanOrEqual(0.99);
      expect((await ctx.store.knowledge.list(tenant, { collection: 'it' })).map((d) => d.id)).toEqual(['it-1']);
      await expect(kb().search({ tenant, text: 'x', topK: 0 })).rejects.toBeInstanceOf(InvalidMessageError);
      await expect(kb().upsert({ tenant, id: 'bad', text: 'x', version: -1 })).rejects.toBeInstanceOf(InvalidMessageError);
      await expect(kb().upsert({ tenant, id: 'bad', collection: 'a b', text: 'x', version: 1 })).rejects.toBeInstanceOf(
        InvalidMessageError,
      );
    });

    it('KnowledgeBase#search() fuses vector and lexical ranks when the adapter has a vector index', async () => {
      const tenant = uid('t');
      await kb().upsert({ tenant, id: 'v1', text: 'Reminders are sent by text message.', version: 1 });
      await kb().upsert({ tenant, id: 'v2', text: 'Invoices are sent by post.', version: 1 });
      // "reminding" shares no word with the passage: only the vector (word prefixes) finds it
      const hits = await kb().search({ tenant, text: 'reminding', topK: 3 });
      if (!ctx.store.knowledge.hasVectorIndex) {
        expect(hits).toEqual([]);
        return;
      }
      expect(hits[0]).toMatchObject({ documentId: 'v1', vector: { rank: 1, score: expect.any(Number) } });
      expect(hits[0].lexical).toBeUndefined();
      const both = await kb().search({ tenant, text: 'reminders text message', topK: 3 });
      expect(both[0]).toMatchObject({ documentId: 'v1', lexical: { rank: 1 }, vector: { rank: 1 } });
      expect(both[0].score).toBeCloseTo(1, 5);
      // without an embedder the same store ranks lexically only
      expect(await new KnowledgeBase(ctx.store.knowledge).search({ tenant, text: 'reminding', topK: 3 })).toEqual([]);
    });
  });
}
