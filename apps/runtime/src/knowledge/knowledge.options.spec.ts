import { InvalidOptionsError } from '@warren/contracts';
import { KNOWLEDGE_DEFAULTS, resolveKnowledgeOptions, retrievalFor } from './knowledge.options';

describe('resolveKnowledgeOptions()', () => {
  it('resolveKnowledgeOptions() fills the defaults: retrieval off for every tenant', () => {
    expect(resolveKnowledgeOptions()).toEqual(KNOWLEDGE_DEFAULTS);
    expect(retrievalFor(resolveKnowledgeOptions(), 'acme').enabled).toBe(false);
  });

  it('retrievalFor() gives a tenant its overrides over the installation retrieval', () => {
    const o = resolveKnowledgeOptions({ retrieval: { topK: 6 }, tenants: { acme: { enabled: true, collections: ['faq'] } } });
    expect(retrievalFor(o, 'acme')).toEqual({ enabled: true, topK: 6, minScore: 0, collections: ['faq'] });
    expect(retrievalFor(o, 'other')).toEqual({ enabled: false, topK: 6, minScore: 0, collections: [] });
  });

  it('resolveKnowledgeOptions() refuses unknown keys and bad values, naming the key', () => {
    expect(() => resolveKnowledgeOptions({ nope: 1 } as never)).toThrow(/knowledge\.nope/);
    expect(() => resolveKnowledgeOptions({ tenants: { acme: { topK: 0 } } })).toThrow(/knowledge\.tenants\.acme\.topK/);
    expect(() => resolveKnowledgeOptions({ retrieval: { minScore: 2 } })).toThrow(InvalidOptionsError);
    expect(() => resolveKnowledgeOptions({ retrieval: { collections: ['a b'] } })).toThrow(/collections/);
    expect(() => resolveKnowledgeOptions({ embedder: 'no/slash' })).toThrow(/embedder/);
  });
});
