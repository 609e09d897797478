import type { ProviderConfig } from '../config/schema.js';

/** The settings that hold a provider's credentials, by how it authenticates (docs/providers.md, "Auth"). */
function credentialSettings(config: ProviderConfig): string {
  switch (config.type) {
    case 'azure-openai':
      return config.entra
        ? "entra credentials (tenant_id, client_id, client_secret) and the app's role on the resource"
        : 'api_key (a key of the resource base_url names: a key of another resource or region is refused)';
    case 'bedrock':
      return config.api_key
        ? 'api_key (a Bedrock API key, of the region the provider calls)'
        : 'AWS keys (aws.access_key_id / aws.secret_access_key, aws.profile, or the AWS_* variables) and their IAM permission for bedrock:InvokeModel on the model';
    case 'vertex':
      return 'service account (vertex.service_account_json or vertex.service_account_file) and its Vertex AI User role in vertex.project';
    default:
      return 'api_key';
  }
}

/**
 * What an operator checks when the upstream refused a provider's credentials (401/403): the provider, the
 * settings that hold them, and the variables they came from. The upstream's own words ("The security token
 * included in the request is invalid") name neither the provider's config nor where its keys were read.
 */
export function credentialFix(name: string, config: ProviderConfig, variables: string | undefined): string {
  // A Bedrock provider's phrase lists every place its keys could come from, which the settings above name already.
  const from = variables && config.type !== 'bedrock' ? `, set from ${variables}` : '';
  return `the upstream refused the credentials of provider '${name}': check its ${credentialSettings(config)}${from}`;
}
