import { InvalidMessageError } from '@warren/contracts';
import type { ModelCatalog } from '../openai/model-catalog';
import { checkRoutingFields } from './routing-fields';

const catalog: ModelCatalog = {
  chat: [
    { id: 'auto', kind: 'auto' },
    { id: 'fastest', kind: 'strategy' },
    { id: 'voice', kind: 'route' },
    { id: 'local', kind: 'endpoint' },
  ],
  embeddings: ['local'],
};

function fieldOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidMessageError);
    return (err as InvalidMessageError).violations[0]?.field;
  }
  return undefined;
}

describe('checkRoutingFields()', () => {
  it('takes any chat model of the catalogue as model, and only strategies as strategy', () => {
    for (const model of ['auto', 'fastest', 'voice', 'local']) expect(() => checkRoutingFields({ model }, catalog)).not.toThrow();
    expect(() => checkRoutingFields({ strategy: 'fastest' }, catalog)).not.toThrow();
    expect(() => checkRoutingFields({}, catalog)).not.toThrow();
  });

  it('refuses an unknown model, a strategy that is not one, and both together, naming the field', () => {
    expect(fieldOf(() => checkRoutingFields({ model: 'gpt-9' }, catalog))).toBe('model');
    expect(fieldOf(() => checkRoutingFields({ strategy: 'local' }, catalog))).toBe('strategy');
    expect(fieldOf(() => checkRoutingFields({ model: 'auto', strategy: 'fastest' }, catalog))).toBe('strategy');
  });
});
