import { randomHex } from './random-ids';

describe('randomHex', () => {
  it('gives ids of the asked length, all different, across pool refills', () => {
    const seen = new Set<string>();
    // 4096-byte pool: 1,000 × 24 bytes crosses several refills.
    for (let i = 0; i < 1000; i++) {
      const trace = randomHex(16);
      const span = randomHex(8);
      expect(trace).toMatch(/^[0-9a-f]{32}$/);
      expect(span).toMatch(/^[0-9a-f]{16}$/);
      seen.add(trace);
      seen.add(span);
    }
    expect(seen.size).toBe(2000);
  });
});
