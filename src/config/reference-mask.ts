import { domainToASCII } from 'node:url';
import type { Env } from './env-expand.js';

/**
 * Values shorter than this are left alone: they are no secret (a port, `true`), and masking them would
 * garble unrelated text.
 */
const MIN_MASKED_LENGTH = 6;

/**
 * The forms a value can take in a message: as written, and as a URL parser or a host check prints it (scheme and
 * host case-folded, an international name in punycode, characters percent-encoded). Matched case-insensitively
 * on top, so "HTTPS://Internal.Example" is caught as "https://internal.example/".
 */
function derivedForms(value: string): string[] {
  const forms = new Set([value, encodeURI(value), encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
  const ascii = domainToASCII(value);
  if (ascii) forms.add(ascii);
  try {
    const url = new URL(value);
    for (const form of [url.href, url.origin, url.host, url.hostname]) forms.add(form);
  } catch {
    // not a URL on its own; it may still be part of one, which the other forms and case folding cover
  }
  return [...forms].filter((form) => form.length >= MIN_MASKED_LENGTH);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Shows `${VAR}` wherever a config's messages or reports would show the value the environment gave it. A draft
 * sent to validate or preview can reference any variable in any field, and the gateway's environment holds
 * provider keys (and perhaps AMG_MASTER_KEY): what goes back must never contain them.
 */
export class ReferenceMask {
  private readonly values: Array<[pattern: RegExp, reference: string]>;

  constructor(values: ReadonlyMap<string, string>) {
    // Longest first, so a value that contains another is replaced whole.
    this.values = [...values]
      .filter(([, value]) => value.length >= MIN_MASKED_LENGTH)
      .flatMap(([name, value]) => derivedForms(value).map((form): [string, string] => [form, `\${${name}}`]))
      .sort((a, b) => b[0].length - a[0].length)
      .map(([form, reference]): [RegExp, string] => [new RegExp(escapeRegExp(form), 'giu'), reference]);
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

  /** The text with every form of every value (in any letter case) replaced by its reference. */
  text(text: string): string {
    let out = text;
    for (const [pattern, reference] of this.values) out = out.replace(pattern, () => reference);
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
