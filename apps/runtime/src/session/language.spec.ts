import { confidentLanguage, type KnownLanguages, languageOf } from './language';

const none: KnownLanguages = {};
const sessionFr: KnownLanguages = { session: 'fr' };

describe('languageOf()', () => {
  it('languageOf() takes the primary subtag of the request’s locale, whatever the text says', () => {
    expect(languageOf('I would like to book a table for two tomorrow evening.', { locale: 'pt-BR', session: 'fr' })).toEqual({
      language: 'pt',
      source: 'locale',
    });
  });

  // Short utterances, alone or in a session already known to be French: unknown, kept, or right (three clear
  // words of 12 letters may be enough), never a wrong guess ("hello again" was Italian).
  it.each([
    ['hello again', none, undefined, 'unknown'],
    ['hello I am a vip', none, undefined, 'unknown'],
    ['ok', none, undefined, 'unknown'],
    ['thanks a lot', none, undefined, 'unknown'],
    ['what is 6 * 7?', none, undefined, 'unknown'],
    ['Bonjour', none, undefined, 'unknown'],
    ['merci beaucoup', none, undefined, 'unknown'],
    ['ja', none, undefined, 'unknown'],
    ['si', none, undefined, 'unknown'],
    ['good morning', none, undefined, 'unknown'],
    ['see you tomorrow', none, 'en', 'detected'],
    ['Wo ist mein Paket?', none, 'de', 'detected'],
    ['hello again', sessionFr, 'fr', 'session'],
    ['hello I am a vip', sessionFr, 'fr', 'session'],
    ['ok merci', sessionFr, 'fr', 'session'],
    ['what is 6 * 7?', sessionFr, 'fr', 'session'],
  ])('languageOf(%j, %j) → %s (%s): a short text does not switch wrongly', (text, known, language, source) => {
    expect(languageOf(text, known)).toEqual({ language, source });
  });

  // Long, clear texts switch, even away from what the profile, the session or the tenant said.
  it.each([
    ['I would like to book a table for two tomorrow evening.', sessionFr, 'en'],
    ['can you help me with my order please', { profile: 'de' }, 'en'],
    ['Bonjour, je voudrais réserver une table pour ce soir.', { session: 'en' }, 'fr'],
    ['Je voudrais changer mon adresse de livraison', none, 'fr'],
    ['Hallo, ich möchte heute Abend einen Tisch reservieren.', { tenant: 'en' }, 'de'],
    ['Ich brauche Hilfe mit meiner Bestellung bitte', none, 'de'],
    ['Hola, quiero reservar una mesa para esta noche por favor.', sessionFr, 'es'],
    ['Necesito ayuda con mi pedido por favor', none, 'es'],
    ['Olá, gostaria de reservar uma mesa para hoje à noite.', none, 'pt'],
    ['Preciso de ajuda com o meu pedido', none, 'pt'],
    ['Mi puoi aiutare con il mio ordine per favore', { session: 'en' }, 'it'],
    ['Buongiorno, come stai oggi?', none, 'it'],
  ])('languageOf(%j, %j) → %s, detected', (text, known, language) => {
    expect(languageOf(text, known)).toEqual({ language, source: 'detected' });
  });

  // Mixed or ambiguous texts: a clear majority switches, anything else keeps what is known.
  it.each([
    ['hello I am a vip customer and I need help', sessionFr, 'fr', 'session'],
    ['hello again and again friend', sessionFr, 'fr', 'session'],
    ['thanks, merci beaucoup pour votre aide', { session: 'en' }, 'fr', 'detected'],
    ['Ciao, vorrei prenotare un tavolo per stasera.', { session: 'en' }, 'en', 'session'],
  ])('languageOf(%j, %j) → %s (%s): mixed or unclear', (text, known, language, source) => {
    expect(languageOf(text, known)).toEqual({ language, source });
  });

  it.each([
    [{ profile: 'pt-BR', session: 'fr', tenant: 'de' }, 'pt', 'profile'],
    [{ session: 'fr', tenant: 'de' }, 'fr', 'session'],
    [{ tenant: 'de-AT' }, 'de', 'tenant'],
    [none, undefined, 'unknown'],
  ])('languageOf() of a short text with %j falls back to %s (%s): profile, then session, then tenant', (known, language, source) => {
    expect(languageOf('ok thanks', known)).toEqual({ language, source });
  });
});

describe('confidentLanguage()', () => {
  it('confidentLanguage() keeps a request’s locale and a confident detection, nothing guessed or inherited', () => {
    expect(confidentLanguage({ language: 'pt', source: 'locale' })).toBe('pt');
    expect(confidentLanguage({ language: 'de', source: 'detected' })).toBe('de');
    for (const source of ['profile', 'session', 'tenant'] as const) expect(confidentLanguage({ language: 'fr', source })).toBeUndefined();
    expect(confidentLanguage({ language: undefined, source: 'unknown' })).toBeUndefined();
  });
});
