import { luhnValid, PII_KINDS, type PiiKind, redactPii } from './pii-redactor';

const ALL = new Set<PiiKind>(PII_KINDS);
const redact = (text: string, kinds: ReadonlySet<PiiKind> = ALL) => redactPii(text, kinds);

describe('luhnValid()', () => {
  it.each(['4111111111111111', '5500000000000004', '378282246310005', '6011111111111117', '4242424242424242', '79927398713'])(
    'luhnValid(%s) is true',
    (n) => expect(luhnValid(n)).toBe(true),
  );
  it.each(['4111111111111112', '1234567890123456', '', '12a4'])('luhnValid(%j) is false', (n) => expect(luhnValid(n)).toBe(false));
});

describe('redactPii()', () => {
  describe('e-mail addresses', () => {
    it.each([
      ['write to john.doe+tag@example.co.uk today', 'write to [email] today'],
      ['mail: Jane_O-Neil@sub.mail-host.io.', 'mail: [email].'],
      ['é: chloé@exemple.fr', 'é: [email]'],
      ['two: a@b.io, c@d.org', 'two: [email], [email]'],
    ])('redactPii(%j) → %j', (input, output) => {
      expect(redact(input).text).toBe(output);
    });

    it.each(['@handle and a@b', 'user@localhost', 'no at sign.com', 'a@b.c'])('redactPii(%j) leaves it alone', (input) => {
      expect(redact(input)).toEqual({ text: input, counts: { email: 0, phone: 0, card: 0 } });
    });
  });

  describe('card numbers', () => {
    it.each([
      ['pay with 4111 1111 1111 1111 please', 'pay with [card] please'],
      ['card 4111-1111-1111-1111.', 'card [card].'],
      ['4111111111111111', '[card]'],
      ['amex 3782 822463 10005', 'amex [card]'],
      ['4111 1111 1111 1111 2 items', '[card] 2 items'],
      ['4111 1111 1111 1111 5500 0000 0000 0004', '[card] [card]'],
    ])('redactPii(%j) → %j (Luhn valid)', (input, output) => {
      expect(redact(input).text).toBe(output);
    });

    it.each([
      '4111 1111 1111 1112',
      'order 1234567890123456',
      'ref 1234-5678-9012-3456',
      'a 25 digit run 4111111111111111000000000',
      '12345678901',
    ])('redactPii(%j) leaves a Luhn-invalid or wrong-length digit run alone', (input) => {
      const out = redact(input, new Set(['card']));
      expect(out.text).toBe(input);
      expect(out.counts.card).toBe(0);
    });

    it('redactPii() counts cards and does not report them as phone numbers', () => {
      expect(redact('4111 1111 1111 1111 and 5500-0000-0000-0004').counts).toEqual({ email: 0, phone: 0, card: 2 });
    });
  });

  describe('phone numbers', () => {
    it.each([
      ['call +1 555 123 4567', 'call [phone]'],
      ['call +1 (555) 123-4567 now', 'call [phone] now'],
      ['+44 20 7946 0958', '[phone]'],
      ['+44 (0)20 7946 0958', '[phone]'],
      ['+33 6 12 34 56 78', '[phone]'],
      ['+4930123456', '[phone]'],
      ['0044 20 7946 0958', '[phone]'],
      ['(555) 123-4567', '[phone]'],
      ['555-123-4567', '[phone]'],
      ['555.123.4567', '[phone]'],
      ['1-800-555-1234', '[phone]'],
      ['020 7946 0958', '[phone]'],
      ['06 12 34 56 78', '[phone]'],
      ['06.12.34.56.78', '[phone]'],
      ['0612345678', '[phone]'],
      ['mine is 555 123 4567, and yours?', 'mine is [phone], and yours?'],
    ])('redactPii(%j) → %j', (input, output) => {
      expect(redact(input).text).toBe(output);
    });

    it.each([
      'I have 12345 points',
      'in 2024 we grew',
      'on 2024-01-15 at 10:30',
      'on 15/01/2024',
      'on 15.01.2024 10:30',
      'on 2024-01-15 12345',
      '3.14159',
      'it costs 1 000 000 dollars',
      'a total of 12.345.678',
      'ip 192.168.100.200',
      'order 5551234567',
      'room 555-1234',
      'between 10 and 20',
      'at 10:30:45',
    ])('redactPii(%j) leaves short numbers, dates, times, amounts and addresses alone', (input) => {
      expect(redact(input).text).toBe(input);
    });
  });

  it('redactPii() redacts only the kinds asked for', () => {
    const text = 'a@b.io 4111 1111 1111 1111 +44 20 7946 0958';
    expect(redact(text, new Set(['email'])).text).toBe('[email] 4111 1111 1111 1111 +44 20 7946 0958');
    expect(redact(text, new Set(['phone'])).text).toBe('a@b.io 4111 1111 1111 1111 [phone]');
    expect(redact(text, new Set()).text).toBe(text);
    expect(redact(text).counts).toEqual({ email: 1, phone: 1, card: 1 });
  });

  it('redactPii() stays fast on long hostile input', () => {
    const hostile = `${'1 '.repeat(20_000)}${'a.'.repeat(20_000)}@${'-'.repeat(10_000)}${'(1)'.repeat(10_000)}`;
    const started = Date.now();
    redact(hostile);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
