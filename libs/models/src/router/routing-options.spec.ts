import { InvalidOptionsError } from '@warren/contracts';
import { ROUTING_DEFAULTS, resolveRoutingOptions } from './routing-options';

describe('resolveRoutingOptions()', () => {
  it('fills the defaults; the default target is session.model', () => {
    const o = resolveRoutingOptions({}, 'local');
    expect(o).toEqual({ ...ROUTING_DEFAULTS, default: 'local' });
  });

  it('resolves every strategy kind', () => {
    const o = resolveRoutingOptions({
      default: 'split',
      tenants: { acme: 'smart' },
      routes: { voice: 'fast' },
      fallbacks: ['local'],
      contextWindows: { big: 100000 },
      strategies: {
        fast: { kind: 'static', endpoint: 'a', fallbacks: ['b'] },
        smart: { kind: 'rules', rules: [{ name: 'long', when: { minLength: 200 }, use: 'big' }], otherwise: 'fast' },
        topic: { kind: 'content', classes: { code: 'coder' }, otherwise: 'fast' },
        quick: { kind: 'performance', endpoints: ['a', 'b'], metric: 'outstanding' },
        split: {
          kind: 'weighted',
          arms: [
            { name: 'A', weight: 50, use: 'fast' },
            { weight: 50, use: 'quick' },
          ],
        },
        vote: { kind: 'ensemble', endpoints: ['a', 'b', 'c'], pick: 'majority', deadlineMs: 500 },
      },
    });
    expect(o.strategies.split).toEqual({
      kind: 'weighted',
      arms: [
        { name: 'A', weight: 50, use: 'fast' },
        { name: 'quick', weight: 50, use: 'quick' },
      ],
      fallbacks: [],
    });
    expect(o.strategies.quick).toMatchObject({ metric: 'outstanding' });
    expect(o.strategies.vote).toMatchObject({ pick: 'majority', deadlineMs: 500 });
  });

  it('refuses unknown keys and bad values, naming the key path', () => {
    const bad = (raw: unknown, re: RegExp) => {
      expect(() => resolveRoutingOptions(raw)).toThrow(InvalidOptionsError);
      expect(() => resolveRoutingOptions(raw)).toThrow(re);
    };
    bad({ strategy: 'x' }, /routing\.strategy: is not a routing option/);
    bad({ strategies: { s: { kind: 'magic' } } }, /routing\.strategies\.s\.kind/);
    bad(
      { strategies: { s: { kind: 'static', endpoint: 'a', arms: [] } } },
      /routing\.strategies\.s\.arms: is not an option of a static strategy/,
    );
    bad({ strategies: { s: { kind: 'weighted', arms: [{ use: 'a', weight: -1 }] } } }, /routing\.strategies\.s\.arms\[0\]\.weight/);
    bad({ strategies: { s: { kind: 'weighted', arms: [{ use: 'a', weight: 0 }] } } }, /routing\.strategies\.s\.arms: weights/);
    bad({ strategies: { s: { kind: 'rules', rules: [{ when: { colour: 'x' }, use: 'a' }], otherwise: 'a' } } }, /rules\[0\]\.when\.colour/);
    bad({ strategies: { s: { kind: 'rules', rules: [{ when: { channels: ['fax'] }, use: 'a' }], otherwise: 'a' } } }, /when\.channels/);
    bad({ strategies: { s: { kind: 'ensemble', endpoints: ['a', 'b'], pick: 'judge' } } }, /routing\.strategies\.s\.judge: is required/);
    bad({ strategies: { s: { kind: 'ensemble', endpoints: ['a'] } } }, /routing\.strategies\.s\.endpoints: must name at least 2/);
    bad({ strategies: { s: { kind: 'performance', endpoints: [] } } }, /routing\.strategies\.s\.endpoints: must not be empty/);
    bad({ classifier: { code: ['('] } }, /routing\.classifier\.code\[0\]: is not a valid regular expression/);
    bad({ affinity: 'yes' }, /routing\.affinity/);
    bad({ contextWindows: { a: 0 } }, /routing\.contextWindows\.a/);
    bad({ tenants: { acme: 'no spaces' } }, /routing\.tenants\.acme/);
  });

  it('refuses strategies that refer to each other in a cycle', () => {
    expect(() =>
      resolveRoutingOptions({
        strategies: {
          a: { kind: 'rules', rules: [], otherwise: 'b' },
          b: { kind: 'weighted', arms: [{ use: 'a', weight: 1 }] },
        },
      }),
    ).toThrow(/cycle/);
  });
});
