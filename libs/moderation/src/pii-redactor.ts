/** Kinds of personal data the moderator redacts. */
export type PiiKind = 'email' | 'phone' | 'card';

/** Every PII kind, in the order redactions are reported. */
export const PII_KINDS: readonly PiiKind[] = Object.freeze(['email', 'phone', 'card'] as const);

/** What replaces a redacted value. */
export const REDACTION_MASKS: Readonly<Record<PiiKind, string>> = Object.freeze({
  email: '[email]',
  phone: '[phone]',
  card: '[card]',
});

/** How many values of each kind were redacted. */
export type PiiCounts = Record<PiiKind, number>;

const EMAIL =
  /(?<![\p{L}\p{M}\p{N}._%+-])[\p{L}\p{M}\p{N}_%+-]+(?:\.[\p{L}\p{M}\p{N}_%+-]+)*@(?:[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]{0,61}[\p{L}\p{M}\p{N}])?\.)+\p{L}{2,24}(?![\p{L}\p{M}\p{N}_-])/gu;
/** Digit groups separated by one space or dash: the card candidates (checked further in code). */
const DIGIT_GROUPS = /(?<![\p{L}\p{M}\p{N}_+])\d+(?:[ -]\d+)*(?![\p{L}\p{M}\p{N}_])/gu;
/**
 * Phone candidates: an optional `+`, then digit groups (one may be in parentheses) separated by
 * one space, dot or dash. Every separator is consumed, so there is no ambiguous backtracking.
 */
const PHONE =
  /(?<![\p{L}\p{M}\p{N}_+.,/:-])(?:\+ ?)?(?:\d+|\(\d+\))(?:(?:[ .-]|(?<=\))(?=\d)|(?<=\d)(?=\())(?:\d+|\(\d+\)))*(?![\p{L}\p{M}\p{N}_])/gu;
const CARD_MIN_DIGITS = 13;
const CARD_MAX_DIGITS = 19;

/** Replaces e-mail addresses, card numbers and phone numbers (of the kinds asked) with their masks. */
export function redactPii(text: string, kinds: ReadonlySet<PiiKind>): { text: string; counts: PiiCounts } {
  const counts: PiiCounts = { email: 0, phone: 0, card: 0 };
  let out = text;
  // E-mail first (addresses hold digit runs), then cards (a card would pass for a phone number).
  if (kinds.has('email')) {
    out = out.replace(EMAIL, () => {
      counts.email++;
      return REDACTION_MASKS.email;
    });
  }
  if (kinds.has('card')) {
    out = out.replace(DIGIT_GROUPS, (run) => {
      const { text: redacted, count } = redactCardsInRun(run);
      counts.card += count;
      return redacted;
    });
  }
  if (kinds.has('phone')) {
    out = out.replace(PHONE, (candidate: string, offset: number, whole: string) => {
      if (!isPhoneNumber(candidate, whole.slice(offset + candidate.length, offset + candidate.length + 2))) return candidate;
      counts.phone++;
      return REDACTION_MASKS.phone;
    });
  }
  return { text: out, counts };
}

/** Where personal data may be, confirmed or not: a span of the original text. */
export interface PiiCandidate {
  start: number;
  end: number;
}

/**
 * Spans of `text` that are, or could become as more text arrives, personal data of the kinds asked:
 * every match of the e-mail, digit-group and phone expressions, before the checks (Luhn, digit
 * counts, dates) that decide whether it is redacted. A streamed text is never cut inside one.
 */
export function piiCandidates(text: string, kinds: ReadonlySet<PiiKind>): PiiCandidate[] {
  const spans: PiiCandidate[] = [];
  const collect = (re: RegExp) => {
    for (const m of text.matchAll(re)) spans.push({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
  };
  if (kinds.has('email')) collect(EMAIL_CANDIDATE);
  if (kinds.has('card')) collect(DIGIT_GROUPS);
  if (kinds.has('phone')) collect(PHONE);
  return spans;
}

/** The local part and `@` of an address, and whatever domain follows so far: an address in progress is a candidate too. */
const EMAIL_CANDIDATE = /[\p{L}\p{M}\p{N}_%+.-]+@[\p{L}\p{M}\p{N}.-]*/gu;

/** The Luhn checksum every payment card number passes (and 9 in 10 random digit strings fail). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * In a run of digit groups, masks each leftmost-longest span of whole groups with 13–19
 * digits that passes Luhn ("4111 1111 1111 1111 2 items": the card, not the 2).
 */
function redactCardsInRun(run: string): { text: string; count: number } {
  const groups = [...run.matchAll(/\d+/g)].map((m) => ({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length, digits: m[0] }));
  let out = '';
  let copied = 0;
  let count = 0;
  for (let i = 0; i < groups.length; ) {
    const found = longestCardFrom(groups, i);
    if (found === undefined) {
      i++;
      continue;
    }
    const first = groups[i] as (typeof groups)[number];
    const last = groups[found] as (typeof groups)[number];
    out += run.slice(copied, first.start) + REDACTION_MASKS.card;
    copied = last.end;
    count++;
    i = found + 1;
  }
  return { text: count === 0 ? run : out + run.slice(copied), count };
}

function longestCardFrom(groups: readonly { digits: string }[], start: number): number | undefined {
  let digits = '';
  let best: number | undefined;
  for (let j = start; j < groups.length; j++) {
    digits += (groups[j] as { digits: string }).digits;
    if (digits.length > CARD_MAX_DIGITS) break;
    if (digits.length >= CARD_MIN_DIGITS && luhnValid(digits)) best = j;
  }
  return best;
}

/** Date-shaped starts (2024-01-15, 15.01.2024): never phone numbers. */
const DATE_START = /^(?:\d{4}[-.]\d{1,2}[-.]\d{1,2}|\d{1,2}[-.]\d{1,2}[-.]\d{4})(?!\d)/;
/** IPv4 addresses. */
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
/** Amounts with thousands separators (1 000 000, 12.345.678). */
const THOUSANDS = /^\d{1,2}(?:( |\.)\d{3})(?:\1\d{3})*$/;

/**
 * Decides whether a candidate is a phone number. International (`+` or `00`): 8–15 digits
 * after the prefix. National with separators: 9–12 digits, not a date, IP address or amount.
 * National without separators: 10–11 digits starting with the trunk `0` (a bare
 * `5551234567` is left alone: it may as well be an order number).
 */
function isPhoneNumber(candidate: string, after: string): boolean {
  // "10:30", "3,5", "12/05": the candidate is part of a longer number, time or fraction.
  if (/^[:,/]\d/.test(after)) return false;
  const digits = candidate.replace(/\D/g, '');
  if (candidate.startsWith('+')) return digits.length >= 8 && digits.length <= 15;
  if (/^00[1-9]/.test(digits) && /[ .()-]/.test(candidate)) return digits.length >= 10 && digits.length <= 17;
  if (!/[ .()-]/.test(candidate)) return /^0[1-9]/.test(digits) && digits.length >= 10 && digits.length <= 11;
  if (digits.length < 9 || digits.length > 12) return false;
  return !DATE_START.test(candidate) && !IPV4.test(candidate) && !THOUSANDS.test(candidate);
}
