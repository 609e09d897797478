import type { Pool } from 'undici';
import type { ProviderConfig } from '../config/schema.js';

/** The wire dialect an upstream speaks for chat. */
export type UpstreamDialect = 'openai-chat' | 'anthropic-messages' | 'gemini' | 'bedrock-converse';

/** How an upstream frames a streamed answer: server-sent events, or the AWS binary event stream. */
export type StreamFraming = 'sse' | 'aws-eventstream';

/** A request as it goes on the wire, for an authorizer that signs it. */
export interface OutgoingRequest {
  readonly method: string;
  /** Path and query as sent, base path included. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer | undefined;
}

/** The request's cancellation (client hang-up, total deadline, shutdown), as undici accepts it. */
export interface AbortSource {
  readonly aborted: boolean;
  readonly reason?: unknown;
  once(event: 'abort', listener: () => void): unknown;
  off(event: 'abort', listener: () => void): unknown;
}

/** How long a request may wait for its credentials: an attempt's own limits, not the token endpoint's. */
export interface AuthorizeWait {
  readonly signal?: AbortSource;
  /** The attempt's first-byte limit: waiting for a token counts against it. */
  readonly timeoutMs: number;
}

/**
 * Per-request credentials: the headers to send with this request in place of the given ones (a bearer token
 * refreshed before it expires, a signature over the body). `wait` bounds how long this request waits for a
 * token being fetched; without it the fetch's own limit applies.
 */
export interface RequestAuthorizer {
  /**
   * The headers to send; a promise only when they must be waited for (a token being fetched, the signer's first
   * load), so the proxy awaits only then: a per-request signature is made and used in the same turn.
   */
  (request: OutgoingRequest, wait?: AuthorizeWait): Record<string, string> | Promise<Record<string, string>>;
  /**
   * The upstream answered 401/403 to a request sent with these headers. A type with cached credentials (an
   * access token) drops them and answers true when the request is worth sending once more with fresh ones;
   * absent for credentials nothing fresher can replace (static keys, SigV4 keys read at config apply). SigV4
   * also answers true when the answer's `Date` shows this machine's clock off the service's by more than its
   * signatures may be, having set its clock by that `Date`.
   */
  refused?(headers: Readonly<Record<string, string>>, answerHeaders?: Readonly<Record<string, unknown>>): boolean;
}

/** What a provider type may use to build its authorizer, once per applied config. */
export interface ProviderContext {
  /** A keep-alive pool for another origin of this provider (a token endpoint), behind the same SSRF guard. */
  pool(origin: string): Pool;
  /** Directory that relative paths in the config (a service-account file) resolve against. */
  readonly baseDir: string;
  /** Epoch milliseconds; injected so token refresh is testable without waiting. */
  now(): number;
  /**
   * A credential that travels with requests, obtained after the config was applied (a rotated session token, a
   * fetched access token), to be redacted where an upstream quotes it back like those `travellingSecrets`
   * named at apply. A later one under the same `slot` replaces it.
   */
  travellingSecret(slot: string, secret: string): void;
}

/**
 * A provider type, declared: where its endpoints are, how it authenticates, which dialect it speaks and how
 * its streams are framed. A type that puts the model in the path, signs each request or refreshes tokens adds
 * the optional hooks; the OpenAI and Anthropic types need none of them, so their hot path is what it was.
 */
export interface ProviderDescriptor {
  readonly type: ProviderConfig['type'];
  readonly dialect: UpstreamDialect;
  /** Endpoint paths, appended to the path of the provider's base_url. */
  readonly endpoints: {
    readonly chat: string;
    readonly embeddings?: string;
    /** The cheap authenticated GET that health checks use; absent where the data-plane host has none. */
    readonly models?: string;
    readonly countTokens?: string;
  };
  /** Headers sent on every upstream request (authentication, versions). */
  staticHeaders(apiKey: string, config: ProviderConfig): Record<string, string>;
  /** The chat path for a model, where the model or the stream mode is part of it (Gemini, Bedrock, Azure). */
  chatPath?(model: string, stream: boolean, config: ProviderConfig): string;
  /** The embeddings path for a model, where the model is part of it; undefined for a model that embeds nothing. */
  embeddingsPath?(model: string, config: ProviderConfig): string | undefined;
  /** Why a type that has no embeddings path has none, for the 400 a client asking it for embeddings gets. */
  readonly noEmbeddings?: string;
  /** The token-counting path for a model, for a type that counts some models only (Claude on Vertex). */
  countTokensPath?(model: string, config: ProviderConfig): string | undefined;
  /**
   * The path of the provider's own Responses API, for a type that has one (Azure); a stateless Responses request
   * then passes through instead of being translated to chat.
   */
  responsesPath?(config: ProviderConfig): string | undefined;
  /** The dialect of one upstream model, for a type that serves several (Vertex: Gemini and Claude). */
  dialectFor?(model: string): UpstreamDialect;
  /** Per-request credentials, when static headers cannot carry them (signing, refreshed tokens). */
  authorizer?(config: ProviderConfig, context: ProviderContext): RequestAuthorizer | undefined;
  /** Whether the config carries credentials to send (default: an api_key is set). */
  hasCredentials?(config: ProviderConfig): boolean;
  /**
   * Credentials outside api_key and headers that travel with requests (so an upstream may quote them back), as
   * resolved from wherever the type reads them (config, environment, a credentials file); redacted like the key.
   */
  travellingSecrets?(config: ProviderConfig): string[];
  /**
   * The body as this type wants it, from the dialect's body (Claude on Vertex: no `model`, which is in the
   * path, and `anthropic_version` in the body). Absent: the dialect's body as built.
   */
  upstreamBody?(
    body: Record<string, unknown>,
    dialect: UpstreamDialect,
    config: ProviderConfig,
  ): Record<string, unknown>;
  /** Framing of translated streams; SSE when absent. */
  readonly streamFraming?: StreamFraming;
}
