import { createHash } from 'node:crypto';
import { type Document, isAlias, isMap, isScalar, isSeq } from 'yaml';
import { formatPath } from '../issue-path.js';
import { ConfigError, parseYaml, parseYamlDocument } from '../load-config.js';
import type { ConfigProblem } from '../semantic-checks.js';
import { isSealed, type SecretBox } from './secret-box.js';
import {
  isReferenceOnly,
  isSecretPath,
  pathValue,
  REDACTED,
  secretLocation,
  type TreePath,
  valueAt,
} from './secret-fields.js';

/**
 * Secrets in stored revisions. A revision keeps the YAML as written (comments and layout included, `${VAR}`
 * unexpanded) with each literal secret replaced in place by its encrypted form; opening a revision decrypts
 * them again, and redacting it (for export) shows them as `<redacted>`.
 */

export type BoxSource = () => Promise<SecretBox>;

const SECRET_LISTS = new Set(['providers', 'clients']);
/** Top-level keys under which secrets live: the two lists, the metrics token and the OTLP headers. */
const SECRET_ROOTS = new Set([...SECRET_LISTS, 'metrics', 'telemetry']);
/** Never fold long lines, so rewriting one value leaves the rest of the file's layout alone. */
const KEEP_LAYOUT = { lineWidth: 0 } as const;

/** Calls `visit` for every node at a secret path; aliases are refused where secrets live. */
function forEachSecretNode(
  document: Document,
  visit: (node: unknown, path: TreePath) => void,
  problems: ConfigProblem[],
): void {
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (path.length > 0 && (SECRET_LISTS.has(path[0] as string) || isSecretPath(path)) && isAlias(node)) {
      problems.push({ path: formatPath(path), message: 'YAML aliases are not allowed where secrets live' });
      return;
    }
    if (isSecretPath(path)) {
      visit(node, path);
      return;
    }
    if (path.length >= 4) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (typeof key === 'string' && (path.length > 0 || SECRET_ROOTS.has(key))) walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        walk(item, [...path, index]);
      });
    }
  };
  walk(document.contents, []);
}

export function contentSha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * The stored value `<redacted>` stands for. A provider's kept secret only stays with the same base_url, and a
 * collector's header with the same OTLP endpoint: the operator who publishes `<redacted>` never saw the secret,
 * and must not be able to send it to another host.
 */
function keptSecret(path: TreePath, tree: unknown, previous: unknown): { value: string } | { problem: string } {
  const location = secretLocation(path, tree);
  const kept = location ? valueAt(previous, location) : undefined;
  if (!location || typeof kept !== 'string')
    return { problem: `${REDACTED} keeps the previous value, but there is none` };
  if (location.list === undefined && location.path[0] === 'telemetry') {
    const endpoint = (at: unknown) => pathValue(at, ['telemetry', 'otlp', 'endpoint']);
    if (endpoint(previous) !== endpoint(tree)) {
      return {
        problem: `${REDACTED} keeps a secret only while the OTLP endpoint stays the same; write the secret again for a new collector`,
      };
    }
  }
  if (location.list === 'providers') {
    const baseUrl = (at: unknown) => valueAt(at, { ...location, field: ['base_url'] });
    if (baseUrl(previous) !== baseUrl(tree)) {
      return {
        problem: `${REDACTED} keeps a secret only while base_url stays the same; write the secret again for a new host`,
      };
    }
  }
  return { value: kept };
}

/**
 * Turns config text into revision content: literal secrets encrypted, `<redacted>` replaced by the stored
 * value of the same field (matched by provider/client name) in `previous`, references and already encrypted
 * values kept. Text without literal secrets is stored byte for byte.
 */
export async function sealContent(
  text: string,
  box: BoxSource,
  previous: unknown,
  sourceName = 'config',
): Promise<string> {
  const document = parseYamlDocument(text, sourceName);
  const tree = document.toJS() as unknown;
  const problems: ConfigProblem[] = [];
  const literals: Array<{ node: { value: unknown }; value: string }> = [];
  let changed = false;
  forEachSecretNode(
    document,
    (node, path) => {
      if (!isScalar(node) || typeof node.value !== 'string') return;
      const value = node.value;
      if (value === REDACTED) {
        const kept = keptSecret(path, tree, previous);
        if ('problem' in kept) {
          problems.push({ path: formatPath(path), message: kept.problem });
          return;
        }
        node.value = kept.value;
        changed = true;
      } else if (value !== '' && !isSealed(value) && !isReferenceOnly(value)) {
        literals.push({ node, value });
      }
    },
    problems,
  );
  if (problems.length > 0) throw new ConfigError(problems, sourceName);
  if (literals.length === 0 && !changed) return text;
  const secretBox = literals.length > 0 ? await box() : undefined;
  for (const literal of literals) literal.node.value = secretBox?.seal(literal.value);
  return document.toString(KEEP_LAYOUT);
}

/** Visits every string at a secret path of a plain config tree and replaces it by `map`'s result. */
function mapSecretValues(tree: unknown, map: (value: string, path: TreePath) => unknown): unknown {
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (isSecretPath(path)) return typeof node === 'string' ? map(node, path) : node;
    if (path.length >= 4 || node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      out[key] = path.length > 0 || SECRET_ROOTS.has(key) ? walk(child, [...path, key]) : child;
    }
    return out;
  };
  return walk(tree, []);
}

/** Revision content as a config tree with its secrets decrypted: what gets validated and applied. */
export async function openContent(content: string, box: BoxSource, sourceName = 'revision'): Promise<unknown> {
  const tree = parseYaml(content, sourceName);
  let sealed = false;
  mapSecretValues(tree, (value) => {
    if (isSealed(value)) sealed = true;
    return value;
  });
  if (!sealed) return tree;
  const secretBox = await box();
  return mapSecretValues(tree, (value) => (isSealed(value) ? secretBox.open(value) : value));
}

/** Revision content for export: secrets as `<redacted>`, references as written, layout and comments kept. */
export function redactContent(content: string): string {
  const document = parseYamlDocument(content, 'revision');
  let changed = false;
  forEachSecretNode(
    document,
    (node) => {
      if (!isScalar(node) || node.value === '' || node.value === REDACTED) return;
      if (typeof node.value === 'string' && isReferenceOnly(node.value)) return;
      node.value = REDACTED;
      changed = true;
    },
    [],
  );
  return changed ? document.toString(KEEP_LAYOUT) : content;
}

/** A config tree with every secret shown as `<redacted>` (references stay visible). */
export function redactTree(tree: unknown): unknown {
  return mapSecretValues(tree, (value) => (value === '' || isReferenceOnly(value) ? value : REDACTED));
}
