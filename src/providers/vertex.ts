import type { ProviderConfig } from '../config/schema.js';
import { serviceAccountAuthorizer, serviceAccountOf } from './auth/google-service-account.js';
import type { ProviderDescriptor, UpstreamDialect } from './provider-descriptor.js';

/** Claude models on Vertex speak Anthropic Messages (rawPredict); every other model is Gemini. */
function dialectFor(model: string): UpstreamDialect {
  return model.startsWith('claude') ? 'anthropic-messages' : 'gemini';
}

function chatPath(model: string, stream: boolean, config: ProviderConfig): string {
  const vertex = config.vertex;
  const project = encodeURIComponent(vertex?.project ?? '');
  const location = encodeURIComponent(vertex?.location ?? 'us-central1');
  const claude = dialectFor(model) === 'anthropic-messages';
  const publisher = claude ? 'anthropic' : 'google';
  const method = claude
    ? stream
      ? 'streamRawPredict'
      : 'rawPredict'
    : stream
      ? 'streamGenerateContent?alt=sse'
      : 'generateContent';
  return `/v1/projects/${project}/locations/${location}/publishers/${publisher}/models/${encodeURIComponent(model)}:${method}`;
}

/**
 * Vertex AI: Gemini models (generateContent) and Claude models (rawPredict, Anthropic's body with
 * `anthropic_version` in it and the model in the path), authenticated with a service account's access token.
 */
export const vertexProvider: ProviderDescriptor = {
  type: 'vertex',
  dialect: 'gemini',
  endpoints: { chat: '/models' },
  staticHeaders: () => ({}),
  chatPath,
  dialectFor,
  authorizer: (config, context) => {
    const account = serviceAccountOf(config, context.baseDir);
    return account ? serviceAccountAuthorizer(account, config, context) : undefined;
  },
  hasCredentials: (config) =>
    Boolean(config.vertex?.service_account_json) || Boolean(config.vertex?.service_account_file),
  upstreamBody: (body, dialect, config) => {
    if (dialect !== 'anthropic-messages') return body;
    const { model: _model, ...rest } = body;
    return { anthropic_version: config.vertex?.anthropic_version ?? 'vertex-2023-10-16', ...rest };
  },
};
