import { log } from './log.js';

/** A provider as the running snapshot (or `status`) describes its credentials. */
export interface ProviderCredentials {
  name: string;
  configured: boolean;
  /** The variables that would give it credentials, when the config names them. */
  apiKeyEnv?: string | null | undefined;
}

/**
 * A provider without credentials (its key's variable unset) gets a warning line, at start and on every apply of
 * a config (SIGHUP, a publish, a revision another process activated) that leaves it so: every request routed to
 * it fails until it is configured, and an operator reading only the log stream would otherwise not know why.
 */
export function warnUnconfiguredProviders(
  providers: Iterable<ProviderCredentials>,
  context: { revision?: number } = {},
): void {
  for (const provider of providers) {
    if (provider.configured) continue;
    log.warn('provider not configured: requests to its targets fail', {
      provider: provider.name,
      ...(provider.apiKeyEnv ? { missing_env: provider.apiKeyEnv } : {}),
      ...context,
    });
  }
}
