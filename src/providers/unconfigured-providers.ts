import type { LoadedConfig } from '../config/load-config.js';
import type { ConfigProblem } from '../config/semantic-checks.js';
import { credentialVariables } from './credential-variables.js';
import { providerDescriptor } from './registry.js';

/**
 * A warning per provider that has no credentials in the environment the config was checked in (as the gateway
 * decides "not configured"), naming the variables to set. That environment may not be the one that counts: a
 * check in the CLI's shell says nothing of the running gateway's, which `amg status` shows.
 */
export function unconfiguredProviderWarnings(loaded: LoadedConfig): ConfigProblem[] {
  return loaded.config.providers.flatMap((provider, index) => {
    const descriptor = providerDescriptor(provider.type);
    const configured = descriptor.hasCredentials
      ? descriptor.hasCredentials(provider)
      : (provider.api_key ?? '').length > 0;
    if (configured) return [];
    const variables = credentialVariables(provider, index, loaded.references);
    const set = variables ? `set ${variables}` : 'give it credentials';
    return [
      {
        path: `providers[${index}]`,
        message: `provider "${provider.name}" has no credentials in this environment (${set}); requests routed to it get a 503. What counts is the environment of the running gateway: amg status shows it`,
      },
    ];
  });
}
