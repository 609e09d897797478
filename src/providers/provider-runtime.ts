import type { Pool } from 'undici';
import type { ProviderConfig } from '../config/schema.js';
import type { ProviderPrices } from '../cost/price-lookup.js';
import type { ProviderDescriptor, RequestAuthorizer, StreamFraming } from './provider-descriptor.js';

/** A configured provider, ready for requests: descriptor, connection pool and precomputed headers. */
export interface ProviderRuntime {
  readonly name: string;
  readonly descriptor: ProviderDescriptor;
  readonly config: ProviderConfig;
  readonly origin: string;
  /** Path of base_url without a trailing slash, prepended to endpoint paths. */
  readonly basePath: string;
  /** False when it has no credentials; requests then fail with a 503 naming `apiKeyEnv`. */
  readonly configured: boolean;
  /** What to set to configure it: a variable, or a phrase naming several (see credentialVariables). */
  readonly apiKeyEnv: string | undefined;
  readonly pool: Pool;
  /** Authentication, version and custom headers, plus content-type; never logged. */
  readonly headers: Readonly<Record<string, string>>;
  /** The credentials in those headers, to redact where an upstream quotes them back (see provider-secrets). */
  readonly secrets: readonly string[];
  /** What each of its models costs (config `pricing:`, the shipped table, or 0 when self-hosted). */
  readonly prices: ProviderPrices;
  /** The chat endpoint path (under basePath) for an upstream model. */
  chatPath(model: string, stream: boolean): string;
  /** The embeddings endpoint path for an upstream model, undefined when the type has none. */
  embeddingsPath(model: string): string | undefined;
  /** Per-request credentials (signing, refreshed tokens); undefined when the static headers carry them. */
  readonly authorize: RequestAuthorizer | undefined;
  readonly streamFraming: StreamFraming;
}
