import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Env, expandString } from './env-expand.js';
import { parseYaml } from './load-config.js';

/**
 * Reads only `storage:` from a config file, so admin commands work without the provider keys that a full
 * validation would require in the environment.
 */
export async function readStorageSetting(
  configPath: string,
  env: Env = process.env,
): Promise<{ url: string; baseDir: string }> {
  const absolute = resolve(configPath);
  return {
    url: storageFromTree(parseYaml(await readFile(absolute, 'utf8'), configPath), env),
    baseDir: dirname(absolute),
  };
}

/** The `storage:` URL of a parsed config file, `${VAR}` expanded; the default when it is not set. */
export function storageFromTree(tree: unknown, env: Env = process.env): string {
  const storage = (tree as { storage?: unknown } | null)?.storage;
  const raw = typeof storage === 'string' ? storage : 'sqlite:./data/gateway.db';
  const { value, missing } = expandString(raw, env);
  if (missing.length > 0) throw new Error(`storage: environment variable ${missing[0]} is not set`);
  return value;
}
