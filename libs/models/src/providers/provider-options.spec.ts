import { InvalidOptionsError } from '@warren/contracts';
import { resolveProviderOptions } from './provider-options';

const base = { name: 'gpt', baseUrl: 'https://api.example.com/v1/', model: 'gpt-4o-mini' };

describe('resolveProviderOptions', () => {
  it('fills defaults and drops the trailing slash of baseUrl', () => {
    expect(resolveProviderOptions(base)).toEqual({
      name: 'gpt',
      baseUrl: 'https://api.example.com/v1',
      model: 'gpt-4o-mini',
      timeoutMs: 30_000,
      idleTimeoutMs: 30_000,
      maxConcurrency: 16,
      contextWindow: 8192,
      maxOutputTokens: 1024,
    });
  });

  it.each([
    [{ name: 'a.b' }, 'p.name'],
    [{ name: 'x'.repeat(65) }, 'p.name'],
    [{ baseUrl: 'ftp://x' }, 'p.baseUrl'],
    [{ baseUrl: 'not a url' }, 'p.baseUrl'],
    [{ baseUrl: 'https://user:pw@x/v1' }, 'p.baseUrl'],
    [{ model: '' }, 'p.model'],
    [{ apiKey: '' }, 'p.apiKey'],
    [{ timeoutMs: 0 }, 'p.timeoutMs'],
    [{ idleTimeoutMs: 1.5 }, 'p.idleTimeoutMs'],
    [{ maxConcurrency: 0 }, 'p.maxConcurrency'],
    [{ contextWindow: -1 }, 'p.contextWindow'],
    [{ maxOutputTokens: '10' }, 'p.maxOutputTokens'],
    [{ apiKeyEnv: 'X' }, 'p.apiKeyEnv'],
  ])('refuses %j with an InvalidOptionsError naming %s', (patch, key) => {
    const run = () => resolveProviderOptions({ ...base, ...(patch as object) }, 'p');
    expect(run).toThrow(InvalidOptionsError);
    expect(run).toThrow(new RegExp(`^${key.replace('.', '\\.')}:`));
  });
});
