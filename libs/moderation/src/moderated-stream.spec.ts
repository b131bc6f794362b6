import { ModeratedStream } from './moderated-stream';
import { Moderator } from './moderator';

/** Streams `text` cut into `pieces` (word by word by default); returns every release and the end. */
function stream(moderator: Moderator, pieces: string[]) {
  const out = new ModeratedStream(moderator);
  const released: string[] = [];
  for (const p of pieces) {
    const r = out.push(p);
    if (r !== undefined) released.push(r);
  }
  const end = out.finish();
  return { released, end, all: [...released, ...(end.rest === undefined ? [] : [end.rest])] };
}

const words = (text: string) => text.split(/(?<=\s)/u);
const chars = (text: string) => [...text];
/** Deterministic pseudo-random cuts of 1..7 characters. */
function randomCuts(text: string, seed: number): string[] {
  const out: string[] = [];
  let s = seed;
  for (let i = 0; i < text.length; ) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const n = 1 + (s % 7);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}
const chunkings = (text: string): [string, string[]][] => [
  ['words', words(text)],
  ['characters', chars(text)],
  ['whole', [text]],
  ...[1, 2, 3, 4, 5].map((seed): [string, string[]] => [`random ${seed}`, randomCuts(text, seed)]),
];

const expectNoThreat = (released: string[]) => {
  for (const r of released) expect(r).not.toMatch(/kill|will/iu);
};
const THREAT = 'Okay then. I will kill you…';
const PHONE = 'Sure, write to jo@example.com or call +44 20 7946 0958 today.';

describe('ModeratedStream with the default rules', () => {
  const moderator = new Moderator();

  it.each(chunkings(THREAT))(
    'ModeratedStream blocks "%s"-cut threats before any part of them is released, ending with the safe reply',
    (_, pieces) => {
      const { released, end, all } = stream(moderator, pieces);
      for (const r of released) expect(r).not.toMatch(/kill|will/iu);
      expect(end.blocked).toBe(true);
      expect(end.text.endsWith("I can't help with that.")).toBe(true);
      expect(all.join('')).toBe(end.text);
      // The threat is the first six tokens: nothing of it was released at all.
      expect(end.text).toBe("I can't help with that.");
    },
  );

  it.each(chunkings(PHONE))('ModeratedStream redacts "%s"-cut personal data before it is released', (_, pieces) => {
    const { released, end, all } = stream(moderator, pieces);
    const streamed = released.join('');
    for (const leak of ['jo@', 'example', '+44', '7946', '0958', ' 20 ']) expect(streamed).not.toContain(leak);
    expect(end).toMatchObject({ blocked: false, text: 'Sure, write to [email] or call [phone] today.' });
    expect(all.join('')).toBe(end.text);
  });

  it('ModeratedStream releases clean text that is far enough before a threat, then ends with the safe reply', () => {
    const text = 'Well, here is a long and friendly opening sentence for you. Then I will kill you now.';
    const { released, end, all } = stream(moderator, words(text));
    // Five complete tokens before the one in progress are held: "you. Then I will kill" waits for "you".
    expect(released.join('')).toBe('Well, here is a long and friendly opening sentence for ');
    expectNoThreat(released);
    expect(end).toMatchObject({ blocked: true, rest: "I can't help with that.", text: "I can't help with that." });
    expect(all.at(-1)).toBe("I can't help with that.");
  });

  it('ModeratedStream holds back a digit run while it may grow, and releases it once it ends', () => {
    const out = new ModeratedStream(new Moderator({ categories: {} }));
    expect(out.push('Order ')).toBe('Order ');
    expect(out.push('12 ')).toBeUndefined();
    expect(out.push('34 ')).toBeUndefined();
    expect(out.push('and ')).toBe('12 34 and ');
    expect(out.push('call 020 ')).toBe('call ');
    expect(out.push('7946 0958')).toBeUndefined();
    expect(out.push(' now ')).toBe('[phone] now ');
    expect(out.finish()).toMatchObject({ rest: undefined, text: 'Order 12 34 and call [phone] now ' });
  });

  it('ModeratedStream with no blocking category holds only the word in progress', () => {
    const out = new ModeratedStream(new Moderator({ categories: {}, pii: { kinds: [] } }));
    expect(out.push('Hel')).toBeUndefined();
    expect(out.push('lo the')).toBe('Hello ');
    expect(out.push('re friend')).toBe('there ');
    expect(out.finish()).toMatchObject({ rest: 'friend', text: 'Hello there friend', blocked: false });
    expect(out.sent).toBe('Hello there ');
  });

  it('ModeratedStream#push() reports a block once the match is complete and releases nothing after it', () => {
    const m = new Moderator({ categories: { bad: { action: 'block', words: ['forbidden word'] } } });
    const out = new ModeratedStream(m);
    // One complete token is held (the phrase has two): "a" could start it, then "forbidden" could.
    expect(out.push('This is a ')).toBe('This is ');
    expect(out.push('forbidden ')).toBe('a ');
    expect(out.push('word ')).toBeUndefined();
    expect(out.blocked).toBe(true);
    expect(out.push('more text ')).toBeUndefined();
    const end = out.finish();
    expect(end).toMatchObject({ blocked: true, rest: "I can't help with that.", text: "I can't help with that." });
    expect(end.result.decisions).toEqual([{ category: 'bad', action: 'block', matched: ['forbidden word'] }]);
  });

  it('ModeratedStream does not block a listed word inside a longer one ("helper" is not "help")', () => {
    const m = new Moderator({ categories: { nohelp: { action: 'block', directions: ['out'], words: ['help'] } } });
    const ok = stream(m, chars('a helper helps '));
    expect(ok.end).toMatchObject({ blocked: false, text: 'a helper helps ' });
    const blocked = stream(m, words('How can I help you today?'));
    expect(blocked.released.join('')).not.toContain('help');
    expect(blocked.released.join('')).toBe('How can I ');
    expect(blocked.end).toMatchObject({ blocked: true, text: "I can't help with that." });
  });

  it('ModeratedStream keeps flagged text and reports it', () => {
    const m = new Moderator({ categories: { brand: { action: 'flag', words: ['acme'] } } });
    const { end, all } = stream(m, words('try acme today'));
    expect(all.join('')).toBe('try acme today');
    expect(end.result.decisions).toEqual([{ category: 'brand', action: 'flag', matched: ['acme'] }]);
  });
});
