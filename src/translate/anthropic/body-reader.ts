import { errors } from '../../errors/codes.js';

/**
 * Typed reads of a client request body that fail with a 400 naming the exact path
 * (e.g. `messages[1].content[0].source.media_type`), the way Anthropic itself reports bad input.
 */

export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function reject(message: string, path: string): never {
  throw errors.invalidBody(`${path}: ${message}`, path);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

export function readObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) reject(`expected an object, got ${describe(value)}`, path);
  return value;
}

export function readArray(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) reject(`expected an array, got ${describe(value)}`, path);
  return value;
}

export function readString(value: unknown, path: string): string {
  if (typeof value !== 'string') reject(`expected a string, got ${describe(value)}`, path);
  return value;
}

export function readBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') reject(`expected a boolean, got ${describe(value)}`, path);
  return value;
}

export function readNumber(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) reject(`expected a number, got ${describe(value)}`, path);
  if (value < min || value > max) reject(`must be between ${min} and ${max}, got ${value}`, path);
  return value;
}

export function readInteger(value: unknown, path: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    reject(`expected an integer, got ${describe(value)}`, path);
  }
  if (value < min) reject(`must be at least ${min}, got ${value}`, path);
  return value;
}

export function readEnum<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    reject(`expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`, path);
  }
  return value as T;
}

/** Optional field: undefined (and null, which Anthropic's SDK sends for unset optionals) reads as absent. */
export function optional<T>(value: unknown, read: (value: unknown) => T): T | undefined {
  return value === undefined || value === null ? undefined : read(value);
}

/** Rejects keys the translation cannot honour; `allowed` lists every key that is either mapped or a pure hint. */
export function rejectUnknownKeys(object: JsonObject, allowed: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.has(key)) {
      const at = path ? `${path}.${key}` : key;
      reject('this field is not supported when the request is translated for another provider', at);
    }
  }
}
