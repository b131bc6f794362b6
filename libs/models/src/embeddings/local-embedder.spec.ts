import { CancelledError, InvalidOptionsError } from '@warren/contracts';
import { embedText, LOCAL_EMBEDDING_DIMENSIONS, LocalEmbedder } from './local-embedder';

const live = () => new AbortController().signal;
const dot = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * (b[i] as number), 0);

describe('LocalEmbedder', () => {
  it('answers one unit vector per text, 256 long by default, the same for the same text', async () => {
    const e = new LocalEmbedder();
    const { vectors, promptTokens } = await e.embed({ input: ['Hello world', 'Hello world', 'x'] }, live());
    expect(vectors).toHaveLength(3);
    expect(vectors[0]).toHaveLength(LOCAL_EMBEDDING_DIMENSIONS);
    expect(vectors[0]).toEqual(vectors[1]);
    expect(dot(vectors[0] as number[], vectors[0] as number[])).toBeCloseTo(1, 10);
    expect(promptTokens).toBeGreaterThan(0);
  });

  it('puts texts that share words closer than texts that do not, ignoring case and width', () => {
    const cat = embedText('The cat sat on the mat', 128);
    expect(dot(cat, embedText('the CAT sat on a mat', 128))).toBeGreaterThan(0.7);
    expect(dot(cat, embedText('quarterly tax filing deadline', 128))).toBeLessThan(0.3);
    expect(embedText('ｃａｔ', 64)).toEqual(embedText('cat', 64));
  });

  it('answers the asked length, and a zero vector for a text without words', async () => {
    const { vectors } = await new LocalEmbedder('wide', 1024).embed({ input: ['a b'], dimensions: 8 }, live());
    expect(vectors[0]).toHaveLength(8);
    expect(embedText('!!!', 4)).toEqual([0, 0, 0, 0]);
  });

  it('refuses a bad length and a cancelled call', async () => {
    expect(() => new LocalEmbedder('x', 0)).toThrow(InvalidOptionsError);
    const ac = new AbortController();
    ac.abort();
    await expect(new LocalEmbedder().embed({ input: ['a'] }, ac.signal)).rejects.toBeInstanceOf(CancelledError);
  });
});
