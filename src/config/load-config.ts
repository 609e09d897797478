import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Alias, type Document, parseDocument, visit, type YAMLError } from 'yaml';
import { type Env, expandTree } from './env-expand.js';
import { formatPath, issueMessage } from './issue-path.js';
import { withProviderDefaults } from './provider-defaults.js';
import { ReferenceMask } from './reference-mask.js';
import { referencesInNames } from './reference-places.js';
import { configSchema, type GatewayConfig } from './schema.js';
import { type ConfigProblem, rawReferenceChecks, semanticChecks } from './semantic-checks.js';
import { flowDepthProblem } from './yaml-bounds.js';

export interface LoadedConfig {
  /** The config as written (YAML parsed, `${VAR}` not yet expanded). */
  raw: unknown;
  config: GatewayConfig;
  /** Environment variables referenced, by config path. */
  references: Map<string, string[]>;
  warnings: ConfigProblem[];
  /** Shows `${VAR}` in place of the values the environment gave this config (for anything shown to people). */
  mask: ReferenceMask;
  /** Directory that relative paths in the config (e.g. the SQLite file) resolve against. */
  baseDir: string;
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[], source = 'config') {
    super(`${source} is invalid:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface ParseOptions {
  env?: Env;
  baseDir?: string;
  sourceName?: string;
}

const MAX_SYNTAX_ERRORS = 5;

/**
 * A YAML syntax error without the source text the parser quotes ("Unexpected scalar token: "sk-..."):
 * a broken config may hold a secret, and these messages reach logs, API responses and the audit log.
 */
function syntaxErrorMessage(error: YAMLError): string {
  // The parser's message may quote the source in many forms (quoted, after a block indicator "|sk-..."): only
  // its wording before the first character that could start a quotation is kept, else its error code.
  const first = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const wording = first.split(/[:"'|>`]/)[0]?.trim();
  return wording || `YAML syntax error: ${error.code.toLowerCase().replace(/_/g, ' ')}`;
}

/**
 * `{ x-api-key: ${KEY} }`: inside a flow collection YAML reads the `{` of an unquoted `${VAR}` as the start of a
 * map, and the parser's own errors ("Unexpected flow-map-start at node end", and more after it) do not say so.
 * The first such error becomes one problem that tells how to write it; the ones that follow from it are dropped.
 */
function unquotedReferenceInFlow(
  errors: readonly YAMLError[],
  text: string,
  sourceName: string,
): ConfigProblem | undefined {
  const error = errors.find((e) => text[e.pos[0]] === '{' && text[e.pos[0] - 1] === '$');
  if (!error) return undefined;
  return {
    path: error.linePos ? `${sourceName}:${error.linePos[0].line}:${error.linePos[0].col - 1}` : sourceName,
    message:
      "a ${VAR} reference inside { } or [ ] must be quoted ('${VAR}'), or the entry written one key per line: YAML reads its { as the start of a map",
  };
}

/**
 * Aliases (`*name`) are refused: the config never needs them, an alias bomb expands to gigabytes, and an
 * unresolved one made the parser quote its value in a 500.
 */
function aliasProblem(document: Document, text: string, sourceName: string): ConfigProblem | undefined {
  let found: Alias | undefined;
  visit(document, {
    Alias(_key, node) {
      found = node;
      return visit.BREAK;
    },
  });
  if (!found) return undefined;
  const offset = (found as Alias).range?.[0];
  const line = offset === undefined ? undefined : text.slice(0, offset).split('\n').length;
  return {
    path: line === undefined ? sourceName : `${sourceName}:${line}`,
    message: 'YAML aliases are not allowed in the config (*name)',
  };
}

/** Parses YAML keeping comments and layout (for rewriting values in place); syntax errors name line and column. */
export function parseYamlDocument(text: string, sourceName: string): Document {
  const tooDeep = flowDepthProblem(text, sourceName);
  if (tooDeep) throw new ConfigError([tooDeep], sourceName);
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const unquoted = unquotedReferenceInFlow(document.errors, text, sourceName);
    if (unquoted) throw new ConfigError([unquoted], sourceName);
    const problems = document.errors.slice(0, MAX_SYNTAX_ERRORS).map((error) => ({
      path: error.linePos ? `${sourceName}:${error.linePos[0].line}:${error.linePos[0].col}` : sourceName,
      message: syntaxErrorMessage(error),
    }));
    const more = document.errors.length - problems.length;
    if (more > 0) problems.push({ path: sourceName, message: `and ${more} more syntax errors` });
    throw new ConfigError(problems, sourceName);
  }
  const alias = aliasProblem(document, text, sourceName);
  if (alias) throw new ConfigError([alias], sourceName);
  return document;
}

export function parseYaml(text: string, sourceName: string): unknown {
  return parseYamlDocument(text, sourceName).toJS() ?? {};
}

/** True when a problem's path is at or inside one whose variable is unset (its value is still the `${VAR}` text). */
function causedByUnsetVariable(path: string, unsetPaths: readonly string[]): boolean {
  return unsetPaths.some((unset) => path === unset || path.startsWith(`${unset}.`) || path.startsWith(`${unset}[`));
}

/**
 * Validates an already-parsed config tree: expands `${VAR}`, applies the schema, checks cross references.
 * Every problem is reported in one pass: unset variables together with the schema's problems elsewhere (a value
 * left as `${VAR}` is not judged twice), and the cross references: all of them when the schema passed, and
 * those between targets and providers even when it did not.
 */
export function validateConfigTree(raw: unknown, options: ParseOptions = {}): LoadedConfig {
  const sourceName = options.sourceName ?? 'config';
  const env = options.env ?? process.env;
  const defaults = withProviderDefaults(raw, env);
  const expanded = expandTree(defaults.tree, env);
  const unsetPaths = [...expanded.problems, ...defaults.problems].map(({ path }) => path);
  const problems: ConfigProblem[] = expanded.problems.map(({ path, variable }) => ({
    path,
    message: `environment variable ${variable} is not set (use \${${variable}:-default} for an optional value)`,
  }));
  problems.push(...defaults.problems);
  // A reference refused in a name is one problem, not also an unknown name: its path is judged once, like an unset one.
  const refusedNames = referencesInNames(expanded.references);
  problems.push(...refusedNames);
  const judgedPaths = [...unsetPaths, ...refusedNames.map(({ path }) => path)];
  const elsewhere = (found: ConfigProblem[]) => found.filter(({ path }) => !causedByUnsetVariable(path, judgedPaths));

  // Messages may quote expanded values; they show the reference instead (see ReferenceMask).
  const mask = ReferenceMask.of(expanded.references.values(), env);
  const parsed = configSchema.safeParse(expanded.value);
  if (!parsed.success) {
    const schemaProblems = parsed.error.issues.map((issue) => ({
      path: formatPath(issue.path),
      message: issueMessage(issue),
    }));
    // References are judged on the raw tree too, except where the schema already named the same path.
    const schemaPaths = new Set(schemaProblems.map(({ path }) => path));
    const references = rawReferenceChecks(expanded.value).filter(({ path }) => !schemaPaths.has(path));
    throw new ConfigError(mask.deep([...problems, ...elsewhere([...schemaProblems, ...references])]), sourceName);
  }
  const { errors, warnings } = semanticChecks(parsed.data);
  problems.push(...elsewhere(errors));
  if (problems.length > 0) throw new ConfigError(mask.deep(problems), sourceName);
  return {
    raw,
    config: parsed.data,
    references: expanded.references,
    warnings: mask.deep(warnings),
    mask,
    baseDir: options.baseDir ?? process.cwd(),
  };
}

export function parseConfigText(text: string, options: ParseOptions = {}): LoadedConfig {
  const sourceName = options.sourceName ?? 'config';
  return validateConfigTree(parseYaml(text, sourceName), options);
}

/** Reads a config file; a missing or unreadable file is a ConfigError naming it. */
export async function readConfigText(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await readFile(absolute, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new ConfigError([{ path: absolute, message: reason }], path);
  }
}

export async function loadConfigFile(path: string, env: Env = process.env): Promise<LoadedConfig> {
  const text = await readConfigText(path);
  return parseConfigText(text, { env, baseDir: dirname(resolve(path)), sourceName: path });
}
