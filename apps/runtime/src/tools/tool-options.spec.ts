import { resolveToolOptions, TOOL_DEFAULTS, toolsOfTenant } from './tool-options';

describe('resolveToolOptions()', () => {
  it('fills the defaults', () => {
    const o = resolveToolOptions();
    expect(o).toMatchObject(TOOL_DEFAULTS);
    expect(o.declarations.size).toBe(0);
  });

  it('compiles each declaration and offers it to the tenants it names', () => {
    const o = resolveToolOptions({
      declarations: {
        calendar: { description: 'd', parameters: { type: 'object', properties: { date: { type: 'string' } } }, tenants: ['acme'] },
        clock: { description: 'the time', tenants: ['*'], timeoutMs: 500 },
      },
    });
    expect(toolsOfTenant(o, 'acme').map((t) => t.name)).toEqual(['calendar', 'clock']);
    expect(toolsOfTenant(o, 'other').map((t) => t.name)).toEqual(['clock']);
    expect(o.declarations.get('clock')).toMatchObject({ timeoutMs: 500, failOnError: false, parameters: { type: 'object' } });
    expect(o.declarations.get('calendar')?.validate({ date: 3 })).toBe(false);
    expect(toolsOfTenant(resolveToolOptions({ maxRounds: 0, declarations: { clock: { description: 'x', tenants: ['*'] } } }), 'a')).toEqual(
      [],
    );
  });

  it('names the bad key: unknown options, bad names, schemas that are not object schemas or do not compile', () => {
    expect(() => resolveToolOptions({ rounds: 1 })).toThrow('tools.rounds');
    expect(() => resolveToolOptions({ maxRounds: -1 })).toThrow('tools.maxRounds');
    expect(() => resolveToolOptions({ declarations: { 'a b': { description: 'x' } } })).toThrow('tools.declarations.a b');
    expect(() => resolveToolOptions({ declarations: { a: {} } })).toThrow('tools.declarations.a.description');
    expect(() => resolveToolOptions({ declarations: { a: { description: 'x', parameters: { type: 'string' } } } })).toThrow(
      'tools.declarations.a.parameters',
    );
    expect(() =>
      resolveToolOptions({ declarations: { a: { description: 'x', parameters: { type: 'object', required: 'date' } } } }),
    ).toThrow(/tools\.declarations\.a\.parameters: is not a valid JSON schema/);
    expect(() => resolveToolOptions({ declarations: { a: { description: 'x', tenant: ['dev'] } } })).toThrow('tools.declarations.a.tenant');
  });
});
