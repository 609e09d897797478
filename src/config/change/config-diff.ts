import { isReferenceOnly, isSecretPath, REDACTED } from '../secrets/secret-fields.js';

/** One difference between two configs, by path; secret values appear only as references or `<redacted>`. */
export type ConfigChange =
  | { kind: 'added'; path: string; value: unknown }
  | { kind: 'removed'; path: string; value: unknown }
  | { kind: 'changed'; path: string; before: unknown; after: unknown; secret?: true }
  /** The order of a model's targets changed (it is the fallback order). */
  | { kind: 'reordered'; path: string; before: string[]; after: string[] };

/** A secret value inside a tree being diffed: compared by value, displayed without it. */
class SecretValue {
  constructor(private readonly value: string) {}
  equals(other: unknown): boolean {
    return other instanceof SecretValue && other.value === this.value;
  }
  toJSON(): string {
    return this.value === '' || isReferenceOnly(this.value) ? this.value : REDACTED;
  }
}

function maskSecrets(node: unknown, path: Array<string | number> = []): unknown {
  if (isSecretPath(path)) return typeof node === 'string' ? new SecretValue(node) : node;
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((item, index) => maskSecrets(item, [...path, index]));
  return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, maskSecrets(child, [...path, key])]));
}

/** A JSON-safe copy for output: secrets become their display form. */
function display(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof SecretValue);

/** How items of a list are identified: by name for providers/models/clients, provider/model for targets. */
function identityOf(shape: readonly string[]): ((item: unknown) => string | undefined) | undefined {
  const joined = shape.join('.');
  if (joined === 'providers' || joined === 'models' || joined === 'clients') {
    return (item) => (isObject(item) && typeof item.name === 'string' ? item.name : undefined);
  }
  if (joined === 'models.*.targets') {
    return (item) =>
      isObject(item) && typeof item.provider === 'string' && typeof item.model === 'string'
        ? `${item.provider}/${item.model}`
        : undefined;
  }
  return undefined;
}

function keyed(items: readonly unknown[], identity: (item: unknown) => string | undefined) {
  const map = new Map<string, unknown>();
  for (const item of items) {
    const key = identity(item);
    if (key === undefined || map.has(key)) return undefined;
    map.set(key, item);
  }
  return map;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof SecretValue) return a.equals(b);
  if (b instanceof SecretValue) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => sameValue(a[key], b[key]));
  }
  return a === b;
}

class Differ {
  readonly changes: ConfigChange[] = [];

  walk(a: unknown, b: unknown, path: string, shape: string[]): void {
    if (sameValue(a, b)) return;
    if (a === undefined) this.changes.push({ kind: 'added', path, value: display(b) });
    else if (b === undefined) this.changes.push({ kind: 'removed', path, value: display(a) });
    else if (isObject(a) && isObject(b)) this.objects(a, b, path, shape);
    else if (Array.isArray(a) && Array.isArray(b) && this.namedLists(a, b, path, shape)) return;
    else {
      const secret = a instanceof SecretValue || b instanceof SecretValue;
      this.changes.push({
        kind: 'changed',
        path,
        before: display(a),
        after: display(b),
        ...(secret ? { secret } : {}),
      });
    }
  }

  private objects(a: Record<string, unknown>, b: Record<string, unknown>, path: string, shape: string[]): void {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((key) => !(key in a))];
    for (const key of keys) this.walk(a[key], b[key], path ? `${path}.${key}` : key, [...shape, key]);
  }

  /** Diffs lists of named things item by item; false when the list is not one (then it is one value). */
  private namedLists(a: unknown[], b: unknown[], path: string, shape: string[]): boolean {
    const identity = identityOf(shape);
    const before = identity && keyed(a, identity);
    const after = identity && keyed(b, identity);
    if (!before || !after) return false;
    for (const [key, item] of before) this.walk(item, after.get(key), `${path}[${key}]`, [...shape, '*']);
    for (const [key, item] of after)
      if (!before.has(key)) this.walk(undefined, item, `${path}[${key}]`, [...shape, '*']);
    if (shape.join('.') === 'models.*.targets') {
      const common = (keys: Iterable<string>, other: Map<string, unknown>) => [...keys].filter((k) => other.has(k));
      const order = { before: common(before.keys(), after), after: common(after.keys(), before) };
      if (order.before.join('\n') !== order.after.join('\n')) this.changes.push({ kind: 'reordered', path, ...order });
    }
    return true;
  }
}

/**
 * A structural diff of two config trees (as written, `${VAR}` unexpanded, secrets in clear): paths name list
 * items by identity (`models[chat].targets[openai/gpt-4o].weight`), so reordering a list is not a change,
 * except for a model's targets, whose order is its fallback order. Secret values never appear in the result.
 */
export function diffConfigs(before: unknown, after: unknown): ConfigChange[] {
  const differ = new Differ();
  differ.walk(maskSecrets(before ?? {}), maskSecrets(after ?? {}), '', []);
  return differ.changes;
}

/** True when two config trees mean the same configuration. */
export function sameConfig(a: unknown, b: unknown): boolean {
  return diffConfigs(a, b).length === 0;
}
