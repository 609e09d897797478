/**
 * `${VAR}` and `${VAR:-default}` expansion over the string values of a parsed YAML tree.
 * Expansion happens after YAML parsing so that a value can never change the document's structure,
 * and comments are never expanded. `$${` writes a literal `${`.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export interface ExpansionProblem {
  path: string;
  variable: string;
}

export interface ExpansionResult<T> {
  value: T;
  /** Variables referenced, by config path (used to name the variable to set, and to keep secrets unexpanded). */
  references: Map<string, string[]>;
  problems: ExpansionProblem[];
}

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function expandString(text: string, env: Env): { value: string; variables: string[]; missing: string[] } {
  const variables: string[] = [];
  const missing: string[] = [];
  if (!text.includes('${')) return { value: text, variables, missing };
  const value = text.replace(REFERENCE, (whole, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    variables.push(name);
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    if (found === '') return '';
    missing.push(name);
    return whole;
  });
  return { value, variables, missing };
}

export function expandTree<T>(tree: T, env: Env): ExpansionResult<T> {
  const references = new Map<string, string[]>();
  const problems: ExpansionProblem[] = [];
  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') {
      const { value, variables, missing } = expandString(node, env);
      if (variables.length > 0) references.set(path, variables);
      for (const variable of missing) problems.push({ path, variable });
      return value;
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, `${path}[${index}]`));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) out[key] = walk(child, path ? `${path}.${key}` : key);
      return out;
    }
    return node;
  };
  return { value: walk(tree, '') as T, references, problems };
}

/** True when a raw config string is exactly one variable reference, e.g. "${OPENAI_API_KEY}". */
export function soleReference(text: string): string | undefined {
  const match = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}$/.exec(text.trim());
  return match?.[1];
}
