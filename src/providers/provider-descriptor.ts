import type { ProviderConfig } from '../config/schema.js';

/** The wire dialect an upstream speaks for chat. */
export type UpstreamDialect = 'openai-chat' | 'anthropic-messages';

/**
 * A provider type, declared: where its endpoints are and how it authenticates. Adding an OpenAI-compatible
 * provider type is a new descriptor, not a new code path.
 */
export interface ProviderDescriptor {
  readonly type: ProviderConfig['type'];
  readonly dialect: UpstreamDialect;
  /** Endpoint paths, appended to the path of the provider's base_url. */
  readonly endpoints: {
    readonly chat: string;
    readonly embeddings?: string;
    readonly models: string;
    readonly countTokens?: string;
  };
  /** Headers sent on every upstream request (authentication, versions). */
  staticHeaders(apiKey: string, config: ProviderConfig): Record<string, string>;
}
