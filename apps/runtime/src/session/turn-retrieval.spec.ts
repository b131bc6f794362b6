import type { KnowledgeBase, KnowledgeHit } from '@warren/store';
import { resolveKnowledgeOptions } from '../knowledge/knowledge.options';
import { retrieve } from './turn-retrieval';
import type { TurnScope } from './turn-scope';
import { TurnSteps } from './turn-steps';

const HIT: KnowledgeHit = {
  passageId: 'faq#0',
  documentId: 'faq',
  collection: 'faq',
  title: 'Parking',
  text: 'Parking is free.',
  version: 3,
  score: 0.98765,
  lexical: { rank: 1, score: 4.2 },
};

function turnWith(search: KnowledgeBase['search'], tenants: Record<string, { enabled: boolean }>, timeoutMs = 2000) {
  const steps = new TurnSteps();
  const base = { search, hybrid: false } as unknown as KnowledgeBase;
  const turn = {
    tenant: 'acme',
    steps,
    ctx: { signal: new AbortController().signal },
    deps: { knowledge: { base, options: resolveKnowledgeOptions({ tenants, timeoutMs }) } },
  } as unknown as TurnScope;
  return { turn, steps };
}

describe('retrieve()', () => {
  it('records nothing and gives nothing when retrieval is off for the tenant', async () => {
    const search = jest.fn();
    const { turn, steps } = turnWith(search, { other: { enabled: true } });
    expect(await retrieve(turn, 'where to park')).toBeUndefined();
    expect(search).not.toHaveBeenCalled();
    expect(steps.snapshot()).toEqual([]);
  });

  it("records the step with the passages' ids and scores, and gives the prompt passages and the reply citations", async () => {
    const search = jest.fn(async () => [HIT]);
    const { turn, steps } = turnWith(search, { acme: { enabled: true } });
    const got = await retrieve(turn, 'where to park');
    expect(search).toHaveBeenCalledWith(expect.objectContaining({ tenant: 'acme', text: 'where to park', topK: 4, minScore: 0 }));
    expect(got?.passages).toEqual([{ id: 'faq#0', title: 'Parking', text: 'Parking is free.' }]);
    expect(got?.citations).toEqual([{ id: 'faq#0', documentId: 'faq', collection: 'faq', title: 'Parking', version: 3, score: 0.9877 }]);
    expect(steps.toTaskSteps()).toEqual([
      expect.objectContaining({
        name: 'retrieve',
        outcome: 'ok',
        details: { hybrid: false, passages: [{ id: 'faq#0', score: 0.9877, lexical: { rank: 1, score: 4.2 } }] },
      }),
    ]);
  });

  it('a failing or slow search is the step error, and the turn goes on without passages', async () => {
    const failing = turnWith(
      jest.fn(async () => Promise.reject(new Error('disk gone'))),
      { acme: { enabled: true } },
    );
    expect(await retrieve(failing.turn, 'x')).toBeUndefined();
    expect(failing.steps.snapshot()).toEqual([expect.objectContaining({ name: 'retrieve', outcome: 'error' })]);
    const slow = turnWith(
      jest.fn(() => new Promise<KnowledgeHit[]>(() => undefined)),
      { acme: { enabled: true } },
      20,
    );
    expect(await retrieve(slow.turn, 'x')).toBeUndefined();
    expect(slow.steps.snapshot()[0]).toMatchObject({
      name: 'retrieve',
      outcome: 'error',
      error: { message: expect.stringMatching(/knowledge\.timeoutMs/) },
    });
  });
});
