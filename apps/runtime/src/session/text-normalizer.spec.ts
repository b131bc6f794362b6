import { normalizeText } from './text-normalizer';

describe('normalizeText', () => {
  it('composes to NFC, so the same word typed two ways is one string', () => {
    expect(normalizeText('cafe\u0301')).toBe('café');
  });

  it('removes control and zero-width characters but keeps emoji joiners and line ends', () => {
    expect(normalizeText('he\u200Bllo\u0007 world')).toBe('hello world');
    expect(normalizeText('👩\u200D💻 ok')).toBe('👩\u200D💻 ok');
    expect(normalizeText('line one\r\nline two')).toBe('line one\nline two');
  });

  it('collapses runs of spaces of any script, at most one blank line, trims the ends', () => {
    expect(normalizeText('  a \u00A0\u3000 b\t\tc  ')).toBe('a b c');
    expect(normalizeText('a\n\n\n\n b')).toBe('a\n\nb');
  });
});
