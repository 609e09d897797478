/** Which config fields hold secrets, and how a secret value is written. */

export type TreePath = ReadonlyArray<string | number>;

/** Written in place of a secret by export; publishing it keeps the previous value of that field. */
export const REDACTED = '<redacted>';

/** Credentials of the cloud provider types, as `<group>.<field>` under a provider. */
const PROVIDER_CREDENTIAL_FIELDS = new Set([
  'entra.client_secret',
  'aws.secret_access_key',
  'aws.session_token',
  'vertex.service_account_json',
]);

/**
 * providers[i].api_key, providers[i].headers.<name>, cloud credentials, clients[i].token, and the two secrets
 * outside the lists: the scrapers' metrics.token and the collector's telemetry.otlp.headers.<name>.
 */
export function isSecretPath(path: TreePath): boolean {
  const [root, index, field, sub] = path;
  if (root === 'metrics') return path.length === 2 && index === 'token';
  if (root === 'telemetry') {
    return path.length === 4 && index === 'otlp' && field === 'headers' && typeof sub === 'string';
  }
  if (typeof index !== 'number') return false;
  if (root === 'providers') {
    return (
      (path.length === 3 && field === 'api_key') ||
      (path.length === 4 && field === 'headers' && typeof sub === 'string') ||
      (path.length === 4 && PROVIDER_CREDENTIAL_FIELDS.has(`${String(field)}.${String(sub)}`))
    );
  }
  return root === 'clients' && path.length === 3 && field === 'token';
}

const REFERENCES_ONLY = /^\s*(?:(?:Bearer|Basic|Token|Bot)\s+)?(?:\$\{[A-Za-z_][A-Za-z0-9_]*(?::-)?\}\s*)+$/i;

/**
 * True when a secret field holds no secret itself: only `${VAR}` references (without a default, or with an
 * empty one), optionally after an auth scheme word ("Bearer ${TOKEN}"). Such values are stored and shown as
 * written; anything else (a literal, a reference with a non-empty default) is treated as a secret as a whole.
 */
export function isReferenceOnly(value: string): boolean {
  return REFERENCES_ONLY.test(value);
}

/** A secret value as it may be shown: references as written, everything else as the redaction marker. */
export function displaySecret(value: unknown): unknown {
  if (typeof value === 'string' && (value === '' || isReferenceOnly(value))) return value;
  return REDACTED;
}

/**
 * The named place of a secret (`providers[primary].headers.x-key`), stable when list order changes; a secret
 * outside the lists (`metrics.token`) is placed by its path alone.
 */
export type SecretLocation =
  | { list: 'providers' | 'clients'; name: string; field: readonly string[] }
  | { list?: undefined; path: readonly string[] };

export function secretLocation(path: TreePath, tree: unknown): SecretLocation | undefined {
  const [root, index, ...field] = path;
  if (!isSecretPath(path)) return undefined;
  if (typeof index !== 'number') return { path: path as readonly string[] };
  const item = (tree as Record<string, unknown[]> | null)?.[root as string]?.[index] as { name?: unknown } | undefined;
  if (typeof item?.name !== 'string') return undefined;
  return { list: root as 'providers' | 'clients', name: item.name, field: field as string[] };
}

/** The value at a named secret location of a config tree, if there is one. */
export function valueAt(tree: unknown, location: SecretLocation): unknown {
  if (location.list === undefined) return pathValue(tree, location.path);
  const list = (tree as Record<string, unknown> | null)?.[location.list];
  if (!Array.isArray(list)) return undefined;
  const node: unknown = list.find((item) => (item as { name?: unknown } | null)?.name === location.name);
  return pathValue(node, location.field);
}

/** The value at `path` under `node`, or undefined where the path runs out. */
export function pathValue(node: unknown, path: readonly string[]): unknown {
  let at = node;
  for (const key of path) at = (at as Record<string, unknown> | null | undefined)?.[key];
  return at;
}
