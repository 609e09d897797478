import type { ProviderConfig } from '../config/schema.js';

/** The profile phrase of a Bedrock provider: whose keys in which shared credentials file would configure it. */
function profilePhrase(provider: ProviderConfig): string | undefined {
  const profile = provider.aws?.profile;
  if (!profile) return undefined;
  return `keys for profile "${profile}" in ${provider.aws?.credentials_file || '~/.aws/credentials'}`;
}

/**
 * The environment variables that would configure a provider that has no credentials, as a phrase to follow
 * "set": the variables its config fields refer to (the type's defaults included). Most types need one key (Gemini
 * reads either of two); a Bedrock provider signs with an AWS key pair or a shared profile's keys, or sends a Bedrock
 * API key, and a Vertex provider needs a service account, so naming only `api_key`'s variable sent users of those
 * types to the wrong one (or to none).
 */
export function credentialVariables(
  provider: ProviderConfig,
  index: number,
  references: ReadonlyMap<string, readonly string[]>,
): string | undefined {
  const variable = (field: string) => references.get(`providers[${index}].${field}`)?.[0];
  if (provider.type === 'bedrock') {
    const pair = [variable('aws.access_key_id'), variable('aws.secret_access_key')];
    const apiKey = variable('api_key');
    const keys = pair.every(Boolean) ? pair.join(' and ') : undefined;
    const profile = profilePhrase(provider);
    const signing = keys && profile ? `${keys}, or ${profile}` : (keys ?? profile);
    if (signing && apiKey) return `${signing} (or ${apiKey} for a Bedrock API key)`;
    return signing ?? apiKey;
  }
  if (provider.type === 'vertex') {
    return variable('vertex.service_account_json') ?? variable('vertex.service_account_file');
  }
  const keys = references.get(`providers[${index}].api_key`);
  return keys && keys.length > 0 ? keys.join(' or ') : undefined;
}
