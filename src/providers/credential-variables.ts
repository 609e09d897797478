import type { ProviderConfig } from '../config/schema.js';

/**
 * The environment variables that would configure a provider that has no credentials, as a phrase to follow
 * "set": the variables its config fields refer to (the type's defaults included). Most types need one key; a
 * Bedrock provider signs with an AWS key pair or sends a Bedrock API key, and a Vertex provider needs a service
 * account, so naming only `api_key`'s variable sent users of those types to the wrong one (or to none).
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
    const signing = pair.every(Boolean) ? pair.join(' and ') : undefined;
    if (signing && apiKey) return `${signing} (or ${apiKey} for a Bedrock API key)`;
    return signing ?? apiKey;
  }
  if (provider.type === 'vertex') {
    return variable('vertex.service_account_json') ?? variable('vertex.service_account_file');
  }
  return variable('api_key');
}
