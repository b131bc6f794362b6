import type { CompletionRequest } from '../model-endpoint.port';
import { evaluateArithmetic, hasOperation } from './arithmetic';

/** Languages the local model greets in; everything else it says is English. */
type Lang = 'en' | 'fr' | 'es' | 'de' | 'it' | 'pt';

const GREETING_REPLIES: Readonly<Record<Lang, string>> = Object.freeze({
  en: 'Hello! How can I help you today?',
  fr: 'Bonjour ! Comment puis-je vous aider ?',
  es: '¡Hola! ¿En qué puedo ayudarte?',
  de: 'Hallo! Wie kann ich Ihnen helfen?',
  it: 'Ciao! Come posso aiutarti?',
  pt: 'Olá! Como posso ajudar?',
});

/** Short greeting put before the answer when a greeting opens a longer message. */
const GREETING_WORDS: Readonly<Record<Lang, string>> = Object.freeze({
  en: 'Hello!',
  fr: 'Bonjour !',
  es: '¡Hola!',
  de: 'Hallo!',
  it: 'Ciao!',
  pt: 'Olá!',
});

/** Greetings and the language they give away (when the request has no locale). */
const GREETINGS: readonly [RegExp, Lang][] = [
  [/^(?:hello|hiya|hey|hi|good (?:morning|afternoon|evening))/iu, 'en'],
  [/^(?:bonjour|bonsoir|salut)/iu, 'fr'],
  [/^(?:hola|buenos días|buenos dias|buenas tardes|buenas noches|buenas)/iu, 'es'],
  [/^(?:hallo|guten (?:tag|morgen|abend)|servus|moin)/iu, 'de'],
  [/^(?:ciao|buongiorno|buonasera|salve)/iu, 'it'],
  [/^(?:olá|ola|oi|bom dia|boa tarde|boa noite)/iu, 'pt'],
];

const ARITHMETIC_LEAD = /^(?:what(?:'s|\s+is)|how\s+much\s+is|calculate|compute|evaluate|solve)\s+/iu;
const REMIND = /\bremind\s+me\b\s*(.*)$/isu;
const QUESTION_WORD =
  /^(what|why|how|when|where|who|whom|whose|which|is|are|am|was|were|can|could|would|will|shall|should|do|does|did|may|might|have|has)\b/iu;

const SECOND_SENTENCE: Readonly<Record<string, string>> = Object.freeze({
  why: 'There is usually more than one reason; tell me a bit more and we can work it out together.',
  how: "Let's take it one step at a time: what have you tried so far?",
  what: "I don't have that information yet, but I can help you find out.",
  yesNo: "I can't say for sure, but I'm happy to help you think it through.",
});

/** Small talk, answered as is (English). */
const SMALL_TALK: readonly [RegExp, string][] = [
  [/^how are you\b/iu, "I'm doing well, thank you for asking! What can I do for you?"],
  [/^(?:thank you|thanks|thx)\b/iu, "You're welcome!"],
  [/^(?:bye|goodbye|see you)\b/iu, 'Goodbye! Have a nice day.'],
];

/** Longest part of a message the paraphrase repeats, in words. */
const MAX_ECHO_WORDS = 40;

/**
 * The local model's answer to a request: a small rule responder that depends only on the
 * last user message (and the locale), so tests can predict it. Rules, first match wins:
 * arithmetic ("what is 2+3"), "remind me …", greetings (in the request's locale, else in
 * the greeting's own language), questions, and an echo-paraphrase of anything else.
 */
export function localReply(request: CompletionRequest): string {
  const last = [...request.messages].reverse().find((m) => m.role === 'user');
  return replyTo(normalizeSpaces(last?.content ?? ''), languageOf(request.locale));
}

function replyTo(text: string, locale: Lang | undefined): string {
  if (text === '') return "I didn't catch that. Could you say it again?";
  const greeting = matchGreeting(text);
  if (greeting) {
    const lang = locale ?? greeting.lang;
    const rest = greeting.rest.replace(/^[\s,.!;:—-]+/u, '');
    if (rest.split(' ').filter(Boolean).length < 2) return GREETING_REPLIES[lang];
    return `${GREETING_WORDS[lang]} ${answer(rest)}`;
  }
  return answer(text);
}

function answer(text: string): string {
  return smallTalk(text) ?? arithmetic(text) ?? reminder(text) ?? question(text) ?? paraphrase(text);
}

function arithmetic(text: string): string | undefined {
  const lead = ARITHMETIC_LEAD.exec(text);
  const body = (lead ? text.slice(lead[0].length) : text).replace(/[\s=?!.]+$/u, '');
  const expression = body
    .replace(/\bplus\b/giu, '+')
    .replace(/\bminus\b/giu, '-')
    .replace(/\b(?:times|multiplied\s+by)\b|[×x](?=\s*[\d(])/giu, '*')
    .replace(/\b(?:divided\s+by|over)\b|÷/giu, '/');
  // Without "what is …" the whole message must be the expression: "I have 2-3 cats" is no sum.
  if (!hasOperation(expression)) return undefined;
  const value = evaluateArithmetic(expression);
  if (value === undefined) return undefined;
  if (!Number.isFinite(value)) return "I can't divide by zero.";
  const shown = expression
    .replace(/\s*([-+*/])\s*/gu, ' $1 ')
    .replace(/\(\s/gu, '(')
    .replace(/\s\)/gu, ')')
    .trim();
  return `${shown} = ${formatNumber(value)}.`;
}

function smallTalk(text: string): string | undefined {
  return SMALL_TALK.find(([re]) => re.test(text))?.[1];
}

function reminder(text: string): string | undefined {
  const m = REMIND.exec(text);
  if (!m) return undefined;
  const what = swapPronouns(stripEnd(m[1] ?? ''));
  return what ? `Okay, I'll remind you ${what}.` : 'Okay. What should I remind you about, and when?';
}

function question(text: string): string | undefined {
  const first = QUESTION_WORD.exec(text)?.[1]?.toLowerCase();
  if (!first && !text.endsWith('?')) return undefined;
  const asked = text.endsWith('?') ? text : `${stripEnd(text)}?`;
  const kind = first === 'why' || first === 'how' ? first : first && /^wh/u.test(first) ? 'what' : 'yesNo';
  return `Good question: "${asked}" ${SECOND_SENTENCE[kind]}`;
}

function paraphrase(text: string): string {
  const words = stripEnd(text).split(' ');
  const echoed = swapPronouns(words.slice(0, MAX_ECHO_WORDS).join(' ')) + (words.length > MAX_ECHO_WORDS ? ' …' : '');
  return `You said ${lowerFirst(echoed)}. Tell me more.`;
}

function matchGreeting(text: string): { lang: Lang; rest: string } | undefined {
  for (const [re, lang] of GREETINGS) {
    const m = re.exec(text);
    // A greeting is a whole word: "history" does not start with "hi".
    if (m && !/^[\p{L}\p{N}]/u.test(text.slice(m[0].length))) return { lang, rest: text.slice(m[0].length) };
  }
  return undefined;
}

function languageOf(locale: string | undefined): Lang | undefined {
  const primary = locale?.split(/[-_]/u)[0]?.toLowerCase();
  return primary && primary in GREETING_REPLIES ? (primary as Lang) : undefined;
}

const PRONOUNS: Readonly<Record<string, string>> = Object.freeze({
  'i am': 'you are',
  "i'm": "you're",
  'am i': 'are you',
  'you are': 'I am',
  "you're": "I'm",
  'are you': 'am I',
  i: 'you',
  me: 'you',
  my: 'your',
  mine: 'yours',
  myself: 'yourself',
  you: 'me',
  your: 'my',
  yours: 'mine',
  yourself: 'myself',
});
const PRONOUN_RE = /(?<![\p{L}'])(i am|i'm|am i|you are|you're|are you|myself|mine|my|me|i|yourself|yours|your|you)(?![\p{L}'])/giu;

/** First person ↔ second person, so an echo reads as an answer ("my order" → "your order"). */
function swapPronouns(text: string): string {
  return text.replace(PRONOUN_RE, (m) => PRONOUNS[m.toLowerCase()] ?? m);
}

function normalizeSpaces(text: string): string {
  return text.replace(/[’‘]/gu, "'").replace(/\s+/gu, ' ').trim();
}

function stripEnd(text: string): string {
  return text.replace(/[\s.!?,;:]+$/u, '');
}

function lowerFirst(text: string): string {
  // Keep "I" and acronyms ("NASA") as they are.
  return /^[\p{Lu}][\p{Ll}]/u.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toFixed(6)));
}
