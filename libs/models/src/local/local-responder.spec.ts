import type { CompletionRequest } from '../model-endpoint.port';
import { evaluateArithmetic } from './arithmetic';
import { localReply } from './local-responder';

const ask = (text: string, locale?: string): string =>
  localReply({ messages: [{ role: 'user', content: text }], ...(locale ? { locale } : {}) });

describe('evaluateArithmetic()', () => {
  it.each([
    ['2+3', 5],
    ['2 + 3 * 4', 14],
    ['(2 + 3) * 4', 20],
    ['-3 + 5', 2],
    ['10 / 4', 2.5],
    ['1.5 * 2', 3],
    ['2 - -2', 4],
  ])('evaluateArithmetic(%j) is %d', (expr, value) => {
    expect(evaluateArithmetic(expr)).toBe(value);
  });

  it.each(['', '2 +', '(2 + 3', '2 3', 'two plus three', '2 + 3)', `${'('.repeat(100)}1${')'.repeat(100)}`])(
    'evaluateArithmetic(%j) is undefined',
    (expr) => {
      expect(evaluateArithmetic(expr)).toBeUndefined();
    },
  );

  it('evaluateArithmetic() of a division by zero is not finite', () => {
    expect(Number.isFinite(evaluateArithmetic('1/0'))).toBe(false);
  });
});

describe('localReply()', () => {
  it('localReply() answers arithmetic: "what is 2+3", words as operators, a bare expression, division by zero', () => {
    expect(ask('What is 2+3?')).toBe('2 + 3 = 5.');
    expect(ask("what's 6 times 7")).toBe('6 * 7 = 42.');
    expect(ask('how much is 10 divided by 4')).toBe('10 / 4 = 2.5.');
    expect(ask('(1 + 2) * 3 =')).toBe('(1 + 2) * 3 = 9.');
    expect(ask('what is 1/0')).toBe("I can't divide by zero.");
  });

  it('localReply() does not take a number range in a sentence for a sum', () => {
    expect(ask('I have 2-3 cats')).toBe('You said you have 2-3 cats. Tell me more.');
  });

  it('localReply() acknowledges "remind me …" with the pronouns turned around', () => {
    expect(ask('Remind me to call my mother at 5pm.')).toBe("Okay, I'll remind you to call your mother at 5pm.");
    expect(ask('please remind me')).toBe('Okay. What should I remind you about, and when?');
  });

  it('localReply() greets in the request locale, else in the language of the greeting', () => {
    expect(ask('Hello')).toBe('Hello! How can I help you today?');
    expect(ask('hi!', 'fr-FR')).toBe('Bonjour ! Comment puis-je vous aider ?');
    expect(ask('Hola')).toBe('¡Hola! ¿En qué puedo ayudarte?');
    expect(ask('Guten Tag', 'de')).toBe('Hallo! Wie kann ich Ihnen helfen?');
    expect(ask('bonjour', 'ja-JP')).toBe('Bonjour ! Comment puis-je vous aider ?');
    expect(ask('Hello', 'pt_BR')).toBe('Olá! Como posso ajudar?');
  });

  it('localReply() greets, then answers the rest of a longer message', () => {
    expect(ask('Hi, what is 2 + 2?')).toBe('Hello! 2 + 2 = 4.');
  });

  it('localReply() does not take a word that starts like a greeting for one ("history", "hijack")', () => {
    expect(ask('history is fun')).toBe('You said history is fun. Tell me more.');
  });

  it('localReply() answers questions by their question word', () => {
    expect(ask('What is the capital of France?')).toBe(
      'Good question: "What is the capital of France?" I don\'t have that information yet, but I can help you find out.',
    );
    expect(ask('why is the sky blue')).toMatch(/^Good question: "why is the sky blue\?" There is usually more than one reason/);
    expect(ask('How do I reset my password?')).toMatch(/one step at a time/);
    expect(ask('Is it going to rain?')).toMatch(/I can't say for sure/);
    expect(ask('How are you?')).toBe("I'm doing well, thank you for asking! What can I do for you?");
  });

  it('localReply() paraphrases anything else, first person turned into second and back', () => {
    expect(ask('I need help with my order')).toBe('You said you need help with your order. Tell me more.');
    expect(ask("I'm sure you are right.")).toBe("You said you're sure I am right. Tell me more.");
    expect(ask('The NASA launch was great')).toBe('You said the NASA launch was great. Tell me more.');
  });

  it('localReply() answers the last user message and ignores system and assistant messages', () => {
    const request: CompletionRequest = {
      messages: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: 'what is 1+1' },
        { role: 'assistant', content: '1 + 1 = 2.' },
        { role: 'user', content: 'what is 2*5' },
      ],
    };
    expect(localReply(request)).toBe('2 * 5 = 10.');
    expect(localReply({ messages: [{ role: 'system', content: 'x' }] })).toBe("I didn't catch that. Could you say it again?");
  });

  it('localReply() caps a long echo at 40 words', () => {
    const long = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    const reply = ask(long);
    expect(reply).toContain('w39 …');
    expect(reply).not.toContain('w40');
  });

  it('localReply() depends on the input and nothing else', () => {
    expect(ask('tell me a story')).toBe(ask('tell me a story'));
    expect(ask('tell me a story')).not.toBe(ask('tell me a joke'));
  });
});
