import { errors } from '../../errors/codes.js';
import type { GatewayError } from '../../errors/gateway-error.js';

/**
 * Reads of the client's untrusted JSON. Each failure is a 400 naming the exact path of the value
 * (`input[3].content[1].image_url`). JSON `null` counts as absent, as the Responses API treats it.
 */
export type Json = Readonly<Record<string, unknown>>;

export function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `${parent}.${key}`, or `key` at the top level. */
export function join(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function invalidType(path: string, expected: string, value: unknown): GatewayError {
  return errors.invalidBody(`'${path}' must be ${expected}, not ${kindOf(value)}`, path);
}

export function requiredMissing(path: string): GatewayError {
  return errors.invalidBody(`missing required parameter '${path}'`, path);
}

export function asObject(value: unknown, path: string): Json {
  if (value === undefined) throw requiredMissing(path);
  if (!isJsonObject(value)) throw invalidType(path, 'an object', value);
  return value;
}

export function asArray(value: unknown, path: string): readonly unknown[] {
  if (value === undefined) throw requiredMissing(path);
  if (!Array.isArray(value)) throw invalidType(path, 'an array', value);
  return value;
}

export function optString(object: Json, key: string, parent: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidType(join(parent, key), 'a string', value);
  return value;
}

export function reqString(object: Json, key: string, parent: string): string {
  const value = optString(object, key, parent);
  if (value === undefined) throw requiredMissing(join(parent, key));
  return value;
}

export function optBoolean(object: Json, key: string, parent: string): boolean | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidType(join(parent, key), 'a boolean', value);
  return value;
}

export function optNumber(object: Json, key: string, parent: string): number | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidType(join(parent, key), 'a number', value);
  return value;
}

export function optPositiveInteger(object: Json, key: string, parent: string): number | undefined {
  const value = optNumber(object, key, parent);
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw errors.invalidBody(`'${join(parent, key)}' must be a positive integer, not ${value}`, join(parent, key));
  }
  return value;
}

/** A string that must be one of `allowed`; the message lists them. */
export function optEnum<T extends string>(
  object: Json,
  key: string,
  parent: string,
  allowed: readonly T[],
): T | undefined {
  const value = optString(object, key, parent);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    const path = join(parent, key);
    const list = allowed.map((item) => `'${item}'`).join(', ');
    throw errors.invalidBody(`'${path}' must be one of ${list}, not '${value}'`, path);
  }
  return value as T;
}
