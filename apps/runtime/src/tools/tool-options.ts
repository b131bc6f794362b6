import { InvalidOptionsError, type ModelTool, TOOL_NAME_PATTERN } from '@warren/contracts';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** One declared tool, resolved: its schema compiled. */
export interface ToolDeclaration {
  name: string;
  description: string;
  /** The JSON schema of the arguments, as offered to the model. */
  parameters: Record<string, unknown>;
  /** Tenants that may use it; `'*'`: all. */
  tenants: readonly string[];
  timeoutMs: number;
  failOnError: boolean;
  /** Checks arguments against `parameters` (ajv). */
  validate: ValidateFunction;
}

/** Options of tool calling (`tools:`), resolved. */
export interface ToolOptions {
  /** Rounds of tool calls per turn; 0: tools off. @default 4 */
  maxRounds: number;
  /** How long one call may take, ms. @default 10000 */
  timeoutMs: number;
  /** A failed call fails the turn instead of giving the model an error result. @default false */
  failOnError: boolean;
  /** The tools by name. @default {} */
  declarations: ReadonlyMap<string, ToolDeclaration>;
}

/** Nest injection token of the resolved {@link ToolOptions}. */
export const TOOL_OPTIONS = Symbol('warren:tool-options');

/** Defaults of the `tools:` section (the same as `ToolsConfig` and config/default.yaml). */
export const TOOL_DEFAULTS = Object.freeze({ maxRounds: 4, timeoutMs: 10_000, failOnError: false });

const KNOWN = new Set(['maxRounds', 'timeoutMs', 'failOnError', 'declarations']);
const DECLARATION_KEYS = new Set(['description', 'parameters', 'tenants', 'timeoutMs', 'failOnError']);

/**
 * Resolves `tools:`: defaults with `??`, unknown keys refused, every declaration checked and its
 * `parameters` compiled with ajv (draft-07 / 2019 keywords and the ajv-formats formats such as
 * `date`, `date-time`, `email`); an invalid schema stops start-up naming `tools.declarations.<name>.parameters`.
 */
export function resolveToolOptions(raw: Record<string, unknown> = {}): ToolOptions {
  for (const key of Object.keys(raw)) if (!KNOWN.has(key)) throw new InvalidOptionsError(`tools.${key}`, 'is not a tools option');
  const maxRounds = (raw.maxRounds as number | undefined) ?? TOOL_DEFAULTS.maxRounds;
  const timeoutMs = (raw.timeoutMs as number | undefined) ?? TOOL_DEFAULTS.timeoutMs;
  const failOnError = (raw.failOnError as boolean | undefined) ?? TOOL_DEFAULTS.failOnError;
  if (!Number.isInteger(maxRounds) || maxRounds < 0 || maxRounds > 32)
    throw new InvalidOptionsError('tools.maxRounds', `must be an integer from 0 to 32 (got ${maxRounds})`);
  checkTimeout('tools.timeoutMs', timeoutMs);
  if (typeof failOnError !== 'boolean') throw new InvalidOptionsError('tools.failOnError', 'must be a boolean');
  const entries = raw.declarations ?? {};
  if (entries === null || typeof entries !== 'object' || Array.isArray(entries))
    throw new InvalidOptionsError('tools.declarations', 'must be a mapping of tool name to declaration');
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const declarations = new Map<string, ToolDeclaration>();
  for (const [name, entry] of Object.entries(entries as Record<string, unknown>))
    declarations.set(name, declaration(ajv, name, entry, { timeoutMs, failOnError }));
  return { maxRounds, timeoutMs, failOnError, declarations };
}

function declaration(ajv: Ajv, name: string, raw: unknown, defaults: { timeoutMs: number; failOnError: boolean }): ToolDeclaration {
  const path = `tools.declarations.${name}`;
  if (!TOOL_NAME_PATTERN.test(name)) throw new InvalidOptionsError(path, 'tool names must be 1-64 letters, digits, "_" or "-"');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidOptionsError(path, 'must be an object');
  const d = raw as Record<string, unknown>;
  for (const key of Object.keys(d)) if (!DECLARATION_KEYS.has(key)) throw new InvalidOptionsError(`${path}.${key}`, 'is not a tool option');
  if (typeof d.description !== 'string' || d.description.trim() === '')
    throw new InvalidOptionsError(`${path}.description`, 'must say what the tool does (the model reads it)');
  const parameters = (d.parameters ?? { type: 'object' }) as Record<string, unknown>;
  if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters) || parameters.type !== 'object')
    throw new InvalidOptionsError(`${path}.parameters`, 'must be a JSON schema of an object ({ type: object, properties … })');
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(structuredClone(parameters));
  } catch (error) {
    throw new InvalidOptionsError(`${path}.parameters`, `is not a valid JSON schema: ${(error as Error).message}`);
  }
  const tenants = d.tenants ?? [];
  if (!Array.isArray(tenants) || !tenants.every((t) => typeof t === 'string' && t.length > 0))
    throw new InvalidOptionsError(`${path}.tenants`, "must be a list of tenant names ('*': every tenant)");
  const timeoutMs = (d.timeoutMs as number | undefined) ?? defaults.timeoutMs;
  checkTimeout(`${path}.timeoutMs`, timeoutMs);
  const failOnError = (d.failOnError as boolean | undefined) ?? defaults.failOnError;
  if (typeof failOnError !== 'boolean') throw new InvalidOptionsError(`${path}.failOnError`, 'must be a boolean');
  return { name, description: d.description, parameters, tenants: [...tenants], timeoutMs, failOnError, validate };
}

function checkTimeout(key: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) < 10 || (value as number) > 600_000)
    throw new InvalidOptionsError(key, `must be an integer from 10 to 600000 ms (got ${String(value)})`);
}

/** The tools a tenant may use, as offered to a model. */
export function toolsOfTenant(options: ToolOptions, tenant: string): ModelTool[] {
  if (options.maxRounds === 0) return [];
  const out: ModelTool[] = [];
  for (const d of options.declarations.values())
    if (d.tenants.includes('*') || d.tenants.includes(tenant))
      out.push({ name: d.name, description: d.description, parameters: d.parameters });
  return out;
}

/** ajv's errors as short problems (`/date must match format "date"`). */
export function schemaProblems(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '(arguments)'} ${e.message ?? 'is invalid'}`.trim());
}
