import { resolve } from 'node:path';

export const DEFAULT_CONFIG = 'gateway.yaml';

/** --config, else $AMG_CONFIG, else ./gateway.yaml. */
export function configPathFrom(option: string | undefined): { path: string; isDefault: boolean } {
  const chosen = option ?? process.env.AMG_CONFIG;
  return { path: resolve(chosen ?? DEFAULT_CONFIG), isDefault: chosen === undefined };
}
