import type { Env } from './env-expand.js';

/**
 * Values shorter than this are left alone: they are no secret (a port, `true`), and masking them would
 * garble unrelated text.
 */
const MIN_MASKED_LENGTH = 6;

/**
 * Shows `${VAR}` wherever a config's messages or reports would show the value the environment gave it. A draft
 * sent to validate or preview can reference any variable in any field, and the gateway's environment holds
 * provider keys (and perhaps AMG_MASTER_KEY): what goes back must never contain them.
 */
export class ReferenceMask {
  private readonly values: Array<[value: string, reference: string]>;

  constructor(values: ReadonlyMap<string, string>) {
    // Longest first, so a value that contains another is replaced whole.
    this.values = [...values]
      .filter(([, value]) => value.length >= MIN_MASKED_LENGTH)
      .map(([name, value]): [string, string] => [value, `\${${name}}`])
      .sort((a, b) => b[0].length - a[0].length);
  }

  /** The mask for every variable the given references name, with the values `env` holds for them. */
  static of(references: Iterable<readonly string[]>, env: Env): ReferenceMask {
    const values = new Map<string, string>();
    for (const names of references) {
      for (const name of names) {
        const value = env[name];
        if (value) values.set(name, value);
      }
    }
    return new ReferenceMask(values);
  }

  text(text: string): string {
    let out = text;
    for (const [value, reference] of this.values) {
      if (out.includes(value)) out = out.split(value).join(reference);
    }
    return out;
  }

  /** A copy of a JSON-like value with every string masked. */
  deep<T>(value: T): T {
    if (this.values.length === 0) return value;
    const walk = (node: unknown): unknown => {
      if (typeof node === 'string') return this.text(node);
      if (Array.isArray(node)) return node.map(walk);
      if (node !== null && typeof node === 'object') {
        return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child)]));
      }
      return node;
    };
    return walk(value) as T;
  }
}
