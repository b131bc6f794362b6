import { splitPassages } from './passage-splitter';

describe('splitPassages()', () => {
  it('packs paragraphs up to maxChars and cuts longer ones at sentences, then words', () => {
    expect(splitPassages('One.\n\nTwo.\n\n\nThree.', { maxChars: 100 })).toEqual(['One. Two. Three.']);
    expect(splitPassages('First para.\n\nSecond para.', { maxChars: 12 })).toEqual(['First para.', 'Second para.']);
    const long = `${'a'.repeat(10)}. ${'b'.repeat(10)}. ${'c'.repeat(30)}`;
    const parts = splitPassages(long, { maxChars: 12 });
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(12);
    expect(parts.join('').replace(/[\s.]/g, '')).toBe(`${'a'.repeat(10)}${'b'.repeat(10)}${'c'.repeat(30)}`);
    expect(splitPassages('  \n\n ')).toEqual([]);
  });

  it('is deterministic', () => {
    const text = 'Lorem ipsum dolor sit amet. '.repeat(100);
    expect(splitPassages(text)).toEqual(splitPassages(text));
  });
});
