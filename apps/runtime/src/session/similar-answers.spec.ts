import { cosine, SimilarAnswers } from './similar-answers';

describe('SimilarAnswers', () => {
  it('finds the most similar question of a scope above the threshold', () => {
    const s = new SimilarAnswers();
    s.add('a', 'k1', [1, 0]);
    s.add('a', 'k2', [0.8, 0.6]);
    s.add('b', 'k3', [1, 0]);
    expect(s.best('a', [0.9, 0.1], 0.5)?.key).toBe('k1');
    expect(s.best('a', [0, 1], 0.9)).toBeUndefined();
    s.remove('k1');
    expect(s.best('a', [1, 0], 0.5)?.key).toBe('k2');
    expect(s.best('c', [1, 0], 0.1)).toBeUndefined();
  });

  it('cosine() is 1 for the same direction, 0 for orthogonal, zero or mismatched vectors', () => {
    expect(cosine([2, 0], [1, 0])).toBeCloseTo(1);
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([0, 0], [1, 0])).toBe(0);
    expect(cosine([1], [1, 0])).toBe(0);
  });
});
