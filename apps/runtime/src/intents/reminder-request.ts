import { fromLocalTime, localTime } from './zoned-time';

/** What a request like "remind me in 2 seconds to stretch" asks for. */
export interface ReminderRequest {
  /** When, if the text says: a relative duration or a clock time in the user's time zone. */
  dueAt?: Date;
  /** What to be reminded of, seen from the assistant: "stretch", "the dentist", "call your mom". */
  subject?: string;
  /** The subject with its preposition: "to stretch", "about the dentist". */
  what?: string;
}

const UNIT_MS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  ten: 10,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
};

const RELATIVE = new RegExp(
  `\\bin\\s+(half an hour|\\d+(?:\\.\\d+)?|${Object.keys(NUMBER_WORDS).join('|')})\\s*(${Object.keys(UNIT_MS).join('|')})?\\b`,
  'i',
);
const CLOCK =
  /\b(?:(today|tonight|tomorrow)\s+)?at\s+(noon|midnight|(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?)(?:\s+(today|tonight|tomorrow))?/i;
const DAY_ONLY = /\b(tomorrow)\b/i;
const SUBJECT = /\b(to|about|that|of)\s+(.+)$/i;
const PRONOUNS: Record<string, string> = { my: 'your', me: 'you', i: 'you', mine: 'yours', myself: 'yourself', "i'm": "you're", am: 'are' };

/**
 * Reads a reminder request from the user's text: the time (`in 2 seconds`, `in half an hour`,
 * `at 8`, `at 8:30 pm`, `tomorrow at 9`, `at noon`; clock times in `timeZone`; a bare hour up to
 * 12 without am/pm is the next of H:00 and H+12:00) and the subject (after `to`, `about`, `that`
 * or `of`, pronouns turned to the user: "my mom" → "your mom"). Parts the text does not say are absent.
 */
export function parseReminderRequest(text: string, now: Date, timeZone: string): ReminderRequest {
  const at = text.search(/\bremind me\b/i);
  let rest = at >= 0 ? text.slice(at + 'remind me'.length) : text;
  let dueAt: Date | undefined;

  const rel = RELATIVE.exec(rest);
  if (rel) {
    const ms = relativeMs(rel[1], rel[2]);
    if (ms !== undefined) {
      dueAt = new Date(now.getTime() + ms);
      rest = cut(rest, rel);
    }
  }
  if (!dueAt) {
    const clock = CLOCK.exec(rest);
    if (clock) {
      dueAt = clockTime(clock, now, timeZone);
      if (dueAt) rest = cut(rest, clock);
    }
  }
  if (!dueAt) {
    const day = DAY_ONLY.exec(rest);
    if (day) {
      const t = localTime(now, timeZone);
      dueAt = fromLocalTime({ year: t.year, month: t.month, day: t.day + 1, hour: 9, minute: 0 }, timeZone);
      rest = cut(rest, day);
    }
  }

  const subjectMatch = SUBJECT.exec(rest.trim());
  const subjectText = subjectMatch ? tidy(subjectMatch[2]) : '';
  if (!subjectText) return { ...(dueAt ? { dueAt } : {}) };
  const subject = toUser(subjectText);
  const preposition = (subjectMatch as RegExpExecArray)[1].toLowerCase();
  return { ...(dueAt ? { dueAt } : {}), subject, what: `${preposition} ${subject}` };
}

function relativeMs(amount: string, unit: string | undefined): number | undefined {
  if (amount.toLowerCase() === 'half an hour') return 1_800_000;
  const n = /^\d/.test(amount) ? Number(amount) : NUMBER_WORDS[amount.toLowerCase()];
  if (unit === undefined || n === undefined || !Number.isFinite(n)) return undefined;
  return Math.round(n * UNIT_MS[unit.toLowerCase()]);
}

function clockTime(m: RegExpExecArray, now: Date, timeZone: string): Date | undefined {
  const dayWord = (m[1] ?? m[6])?.toLowerCase();
  let hour: number;
  let minute = 0;
  let meridiem: string | undefined;
  if (m[2].toLowerCase() === 'noon') hour = 12;
  else if (m[2].toLowerCase() === 'midnight') hour = 0;
  else {
    hour = Number(m[3]);
    minute = m[4] ? Number(m[4]) : 0;
    meridiem = m[5]?.toLowerCase().replace(/\./g, '');
    if (hour > 23 || minute > 59 || (meridiem && (hour < 1 || hour > 12))) return undefined;
    if (meridiem === 'pm' && hour < 12) hour += 12;
    if (meridiem === 'am' && hour === 12) hour = 0;
  }
  if (dayWord === 'tonight' && !meridiem && hour < 12) hour += 12;
  const t = localTime(now, timeZone);
  const on = (dayOffset: number, h: number) =>
    fromLocalTime({ year: t.year, month: t.month, day: t.day + dayOffset, hour: h, minute }, timeZone);
  if (dayWord === 'tomorrow') return on(1, hour);
  const candidates = [on(0, hour), on(1, hour)];
  // "at 8" without am/pm: whichever of 8:00 and 20:00 comes first.
  if (!meridiem && hour >= 1 && hour <= 11 && m[2].toLowerCase() !== 'noon') candidates.push(on(0, hour + 12), on(1, hour + 12));
  return candidates.filter((d) => d.getTime() > now.getTime()).sort((a, b) => a.getTime() - b.getTime())[0];
}

function cut(text: string, m: RegExpExecArray): string {
  return `${text.slice(0, m.index)} ${text.slice(m.index + m[0].length)}`;
}

function tidy(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .replace(/\s*(please|thanks|thank you)\s*[.!?]*$/i, '')
    .replace(/[\s.!?,;:]+$/, '')
    .trim();
}

function toUser(s: string): string {
  return s.replace(/\b(my|me|i|mine|myself|i'm|am)\b/gi, (w) => PRONOUNS[w.toLowerCase()] ?? w);
}
