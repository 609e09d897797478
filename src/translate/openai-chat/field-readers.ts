import { errors } from '../../errors/codes.js';

/**
 * Typed reads of a client's JSON body. Every failure is a 400 naming the exact path of the offending value
 * (`messages[2].content[0].image_url.url`), so a client can fix its request without guessing. JSON `null`
 * reads as absent, as the OpenAI API treats it.
 */
export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `parent.key`, or just `key` at the top level. */
export function pathOf(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** The 400 for a value of the wrong type. */
export function wrongType(path: string, expected: string, value: unknown) {
  return errors.invalidBody(`invalid type for '${path}': expected ${expected}, but got ${describe(value)}`, path);
}

export function missing(path: string) {
  return errors.invalidBody(`missing required parameter: '${path}'`, path);
}

export function expectObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw wrongType(path, 'an object', value);
  return value;
}

export function expectArray(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw wrongType(path, 'an array', value);
  return value;
}

export function optionalString(object: JsonObject, key: string, parent: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(pathOf(parent, key), 'a string', value);
  return value;
}

export function requiredString(object: JsonObject, key: string, parent: string): string {
  const value = optionalString(object, key, parent);
  if (value === undefined) throw missing(pathOf(parent, key));
  return value;
}

export function optionalBoolean(object: JsonObject, key: string, parent: string): boolean | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw wrongType(pathOf(parent, key), 'a boolean', value);
  return value;
}

export interface NumberRange {
  min?: number;
  max?: number;
  integer?: boolean;
}

export function optionalNumber(
  object: JsonObject,
  key: string,
  parent: string,
  range: NumberRange = {},
): number | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  const path = pathOf(parent, key);
  if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType(path, 'a number', value);
  if (range.integer && !Number.isInteger(value)) throw wrongType(path, 'an integer', value);
  if ((range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max)) {
    const bounds = `${range.min ?? '-inf'} to ${range.max ?? 'inf'}`;
    throw errors.invalidBody(`'${path}' must be between ${bounds}, got ${value}`, path);
  }
  return value;
}

/** A string that must be one of `allowed`. */
export function optionalEnum<T extends string>(
  object: JsonObject,
  key: string,
  parent: string,
  allowed: readonly T[],
): T | undefined {
  const value = optionalString(object, key, parent);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    const path = pathOf(parent, key);
    const list = allowed.map((item) => `'${item}'`).join(', ');
    throw errors.invalidBody(`invalid value for '${path}': expected one of ${list}, but got '${value}'`, path);
  }
  return value as T;
}
