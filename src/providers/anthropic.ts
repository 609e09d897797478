import type { ProviderDescriptor } from './provider-descriptor.js';

/** The native Anthropic Messages API. base_url is the API root, as in the Anthropic SDK (https://api.anthropic.com). */
export const anthropicProvider: ProviderDescriptor = {
  type: 'anthropic',
  dialect: 'anthropic-messages',
  endpoints: { chat: '/v1/messages', models: '/v1/models', countTokens: '/v1/messages/count_tokens' },
  staticHeaders: (apiKey, config) => ({
    ...(apiKey ? { 'x-api-key': apiKey } : {}),
    'anthropic-version': config.anthropic_version,
  }),
};
