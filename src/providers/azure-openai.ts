import type { ProviderConfig } from '../config/schema.js';
import { bearerAuthorizer, redactedTokenCache } from './auth/bearer-authorizer.js';
import { requestToken } from './auth/token-endpoint.js';
import type { ProviderDescriptor } from './provider-descriptor.js';

/** The current GA data-plane version, used on deployment paths unless api_version says otherwise. */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

/** What the paths need of base_url, read once per provider config (paths are built per request). */
interface AzureBase {
  /** base_url ends in /openai/v1: the v1 surface, OpenAI's own paths, the deployment name as `model`. */
  readonly v1: boolean;
  /**
   * The `/openai` the data-plane paths start with, or nothing when base_url already ends in it: Azure AI
   * Foundry's target URIs and some samples give the endpoint as `https://{resource}.openai.azure.com/openai`,
   * which would otherwise address `/openai/openai/deployments/...`, a 404.
   */
  readonly openaiPrefix: string;
}

const bases = new WeakMap<ProviderConfig, AzureBase>();

function baseOf(config: ProviderConfig): AzureBase {
  let base = bases.get(config);
  if (base === undefined) {
    const path = new URL(config.base_url).pathname;
    base = { v1: /\/openai\/v1\/*$/.test(path), openaiPrefix: /\/openai\/*$/.test(path) ? '' : '/openai' };
    bases.set(config, base);
  }
  return base;
}

/** A base_url ending in /openai/v1 is the v1 surface: OpenAI's own paths, the deployment name as `model`. */
export function isAzureV1Surface(config: ProviderConfig): boolean {
  return baseOf(config).v1;
}

/** The first api-version that takes `max_completion_tokens` (it came with the o1 reasoning models). */
const FIRST_COMPLETION_TOKENS_VERSION = '2024-09-01';

/**
 * The output-limit field a translated request uses: `max_completion_tokens` on the v1 surface and from the
 * api-version that brought it (the default GA version included), since reasoning deployments (o-series, gpt-5)
 * refuse `max_tokens`; `max_tokens` on older versions, which do not know the newer field.
 */
export function azureMaxTokensField(config: ProviderConfig): 'max_tokens' | 'max_completion_tokens' {
  if (isAzureV1Surface(config)) return 'max_completion_tokens';
  const version = config.api_version ?? AZURE_DEFAULT_API_VERSION;
  return version >= FIRST_COMPLETION_TOKENS_VERSION ? 'max_completion_tokens' : 'max_tokens';
}

function deploymentPath(endpoint: string): (model: string, config: ProviderConfig) => string {
  return (model, config) => {
    const base = baseOf(config);
    if (base.v1) {
      const version = config.api_version ? `?api-version=${encodeURIComponent(config.api_version)}` : '';
      return `/${endpoint}${version}`;
    }
    const version = encodeURIComponent(config.api_version ?? AZURE_DEFAULT_API_VERSION);
    return `${base.openaiPrefix}/deployments/${encodeURIComponent(model)}/${endpoint}?api-version=${version}`;
  };
}

/**
 * The Responses API is no deployment path: the deployment goes in the body's `model`. On a resource endpoint it
 * is `/openai/responses` with a preview api-version (2025-03-01-preview was the first), on the v1 surface
 * `/openai/v1/responses`.
 */
export const AZURE_RESPONSES_API_VERSION = '2025-04-01-preview';

/** Where a stateless Responses request goes, or undefined (translate to chat) unless `responses_api` is on. */
function responsesPath(config: ProviderConfig): string | undefined {
  if (!config.responses_api) return undefined;
  const base = baseOf(config);
  if (base.v1) {
    return config.api_version ? `/responses?api-version=${encodeURIComponent(config.api_version)}` : '/responses';
  }
  const configured = config.api_version;
  const version = configured && configured >= '2025-03-01-preview' ? configured : AZURE_RESPONSES_API_VERSION;
  return `${base.openaiPrefix}/responses?api-version=${encodeURIComponent(version)}`;
}

const chatPath = deploymentPath('chat/completions');
const embeddingsPath = deploymentPath('embeddings');

/** Microsoft Entra client credentials: a bearer token from the tenant's token endpoint, cached and refreshed. */
function entraAuthorizer(
  config: ProviderConfig,
  context: Parameters<NonNullable<ProviderDescriptor['authorizer']>>[1],
) {
  const entra = config.entra;
  if (!entra) return undefined;
  const url = new URL(
    entra.token_url ?? `https://login.microsoftonline.com/${encodeURIComponent(entra.tenant_id)}/oauth2/v2.0/token`,
  );
  const pool = context.pool(url.origin);
  const form = {
    grant_type: 'client_credentials',
    client_id: entra.client_id,
    client_secret: entra.client_secret,
    scope: entra.scope,
  };
  return bearerAuthorizer(redactedTokenCache(() => requestToken(pool, url, form, context.now), context));
}

/**
 * Azure OpenAI: Chat Completions, Responses and embeddings in OpenAI's dialects, addressed by deployment with an
 * `api-version` (or on the /openai/v1 surface), authenticated with `api-key` or an Entra bearer token.
 */
export const azureOpenAIProvider: ProviderDescriptor = {
  type: 'azure-openai',
  dialect: 'openai-chat',
  endpoints: { chat: '/chat/completions', embeddings: '/embeddings' },
  staticHeaders: (apiKey, config): Record<string, string> => (apiKey && !config.entra ? { 'api-key': apiKey } : {}),
  chatPath: (model, _stream, config) => chatPath(model, config),
  embeddingsPath: (model, config) => embeddingsPath(model, config),
  responsesPath,
  authorizer: entraAuthorizer,
  hasCredentials: (config) => Boolean(config.entra) || Boolean(config.api_key),
};
