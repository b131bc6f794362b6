import { fnv1a, pickWeighted } from './sticky-hash';

describe('sticky hash', () => {
  it('is stable', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('t~s1')).toBe(fnv1a('t~s1'));
  });

  it('splits 50/50 within ±3% over 10k sessions and never picks a zero weight', () => {
    const arms = [
      { name: 'A', weight: 1 },
      { name: 'B', weight: 1 },
      { name: 'off', weight: 0 },
    ];
    const counts = { A: 0, B: 0, off: 0 };
    for (let i = 0; i < 10_000; i++) counts[pickWeighted(arms, `acme~${i}`).name as 'A']++;
    expect(Math.abs(counts.A / 10_000 - 0.5)).toBeLessThan(0.03);
    expect(counts.off).toBe(0);
  });
});
