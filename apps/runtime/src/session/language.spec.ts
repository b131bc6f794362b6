import { languageOf } from './language';

describe('languageOf', () => {
  it('takes the primary subtag of the caller’s locale', () => {
    expect(languageOf('whatever', 'pt-BR')).toEqual({ language: 'pt', source: 'locale' });
  });

  it('detects the language of a long enough text', () => {
    expect(languageOf('Bonjour, je voudrais réserver une table pour ce soir.')).toEqual({ language: 'fr', source: 'detected' });
    expect(languageOf('Hallo, ich möchte heute Abend einen Tisch reservieren.')).toEqual({ language: 'de', source: 'detected' });
  });

  it('leaves a too short text unknown instead of guessing', () => {
    expect(languageOf('ok 42')).toEqual({ language: undefined, source: 'unknown' });
  });
});
