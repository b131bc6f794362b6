import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { TOOL_NAME_PATTERN } from './tool.messages';

/** What is wrong with a `tools` array (`[i].name …`), or undefined when each is `{ name, description?, parameters? }`. */
export function modelToolsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return ' must be an array';
  for (let i = 0; i < value.length; i++) {
    const t = value[i] as Record<string, unknown> | null;
    if (t === null || typeof t !== 'object' || Array.isArray(t)) return `[${i}] must be an object`;
    if (typeof t.name !== 'string' || !TOOL_NAME_PATTERN.test(t.name)) return `[${i}].name must be 1-64 letters, digits, "_" or "-"`;
    if (t.description !== undefined && typeof t.description !== 'string') return `[${i}].description must be a string`;
    if (t.parameters !== undefined && (t.parameters === null || typeof t.parameters !== 'object' || Array.isArray(t.parameters)))
      return `[${i}].parameters must be a JSON schema object`;
    for (const key in t) if (key !== 'name' && key !== 'description' && key !== 'parameters') return `[${i}].${key} should not exist`;
  }
  return undefined;
}

/** Whether `value` is a tool choice: `none`, `auto`, `required` or `{ name }`. */
export function isModelToolChoice(value: unknown): boolean {
  if (value === 'none' || value === 'auto' || value === 'required') return true;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return (
    keys.length === 1 && typeof (value as { name?: unknown }).name === 'string' && TOOL_NAME_PATTERN.test((value as { name: string }).name)
  );
}

/** Each element is a tool offered to a model (see {@link modelToolsProblem}). */
export function IsModelTools(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isModelTools',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => modelToolsProblem(value) === undefined,
        defaultMessage: (args?: ValidationArguments) => `${args?.property}${modelToolsProblem(args?.value) ?? ' is invalid'}`,
      },
    });
  };
}

/** `none`, `auto`, `required` or `{ name }` of an offered tool. */
export function IsModelToolChoice(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isModelToolChoice',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => isModelToolChoice(value),
        defaultMessage: (args?: ValidationArguments) => `${args?.property} must be "none", "auto", "required" or { name }`,
      },
    });
  };
}
