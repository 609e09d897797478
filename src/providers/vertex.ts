import type { ProviderConfig } from '../config/schema.js';
import { serviceAccountAuthorizer, serviceAccountOf } from './auth/google-service-account.js';
import type { ProviderDescriptor, UpstreamDialect } from './provider-descriptor.js';

/** Claude models on Vertex speak Anthropic Messages (rawPredict); every other model is Gemini. */
function dialectFor(model: string): UpstreamDialect {
  return model.startsWith('claude') ? 'anthropic-messages' : 'gemini';
}

/** `/v1/projects/{p}/locations/{l}/publishers/{publisher}/models/` for the configured project and location. */
function modelsPath(config: ProviderConfig, publisher: 'google' | 'anthropic'): string {
  const project = encodeURIComponent(config.vertex?.project ?? '');
  const location = encodeURIComponent(config.vertex?.location ?? 'us-central1');
  return `/v1/projects/${project}/locations/${location}/publishers/${publisher}/models/`;
}

/**
 * A model id as a path segment. Vertex versions models with '@' (`claude-sonnet-4-5@20250929`) and looks the
 * segment up as written: Anthropic's Vertex SDK and Google's docs send the '@' literally (it is a legal path
 * character), so it stays; anything else that could break the path is escaped.
 */
function modelSegment(model: string): string {
  return encodeURIComponent(model).replaceAll('%40', '@');
}

function chatPath(model: string, stream: boolean, config: ProviderConfig): string {
  const claude = dialectFor(model) === 'anthropic-messages';
  const publisher = claude ? 'anthropic' : 'google';
  const method = claude
    ? stream
      ? 'streamRawPredict'
      : 'rawPredict'
    : stream
      ? 'streamGenerateContent?alt=sse'
      : 'generateContent';
  return `${modelsPath(config, publisher)}${modelSegment(model)}:${method}`;
}

/** Text-embedding models answer `:predict`; Claude embeds nothing. */
function embeddingsPath(model: string, config: ProviderConfig): string | undefined {
  if (dialectFor(model) === 'anthropic-messages') return undefined;
  return `${modelsPath(config, 'google')}${modelSegment(model)}:predict`;
}

/** Claude on Vertex counts tokens at one shared model, `count-tokens:rawPredict`, the model named in the body. */
function countTokensPath(model: string, config: ProviderConfig): string | undefined {
  return dialectFor(model) === 'anthropic-messages'
    ? `${modelsPath(config, 'anthropic')}count-tokens:rawPredict`
    : undefined;
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
  embeddingsPath,
  countTokensPath,
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
