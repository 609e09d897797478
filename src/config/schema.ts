import { z } from 'zod';
import { parseByteSize } from './byte-size.js';

/**
 * The config file shape users write (after `${VAR}` expansion). Objects are strict so a typo in a key is a
 * validation error at its exact path rather than a silently ignored setting.
 */

/**
 * Upper bounds for durations: every one ends up in a timer, and Node runs a timer over 2^31-1 ms (~24.8 days)
 * after 1 ms, so an absurd value (1e308) would become a busy loop rather than a long wait.
 */
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const byteSize = z.union([z.number().int().positive(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const parsed = parseByteSize(value);
  if (parsed === undefined || parsed <= 0) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a byte size (e.g. 10MiB, 512kb, 1048576)` });
    return z.NEVER;
  }
  return parsed;
});

const listenAddress = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:8080');

const name = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/, 'use letters, digits and . _ : / @ - (starting with a letter or digit)');

export const ERROR_CLASSES = [
  'rate_limit',
  'server_error',
  'timeout',
  'connection',
  'context_length',
  'content_filter',
] as const;
export type FallbackErrorClass = (typeof ERROR_CLASSES)[number];

const price = z
  .object({
    input: z.number().nonnegative().max(1_000_000),
    output: z.number().nonnegative().max(1_000_000),
    cached_input: z.number().nonnegative().max(1_000_000).optional(),
    cache_write: z.number().nonnegative().max(1_000_000).optional(),
  })
  .strict();

const provider = z
  .object({
    name,
    type: z.enum(['openai', 'anthropic']),
    base_url: z.string().min(1),
    api_key: z.string().optional(),
    allow_private_network: z.boolean().default(false),
    headers: z.record(z.string(), z.string()).default({}),
    /** OpenAI-compatible only: ask for usage on streams (`stream_options.include_usage`). */
    stream_usage: z.boolean().default(true),
    /** Anthropic only: the `anthropic-version` header sent upstream on translated requests. */
    anthropic_version: z.string().default('2023-06-01'),
    /** max_tokens sent to an upstream that requires one (Anthropic) when the client gave none. */
    default_max_tokens: z.number().int().positive().max(10_000_000).default(4096),
    /** OpenAI-compatible only: the field that carries the output limit on translated requests (default:
     *  max_completion_tokens for api.openai.com, whose reasoning models refuse max_tokens; max_tokens elsewhere). */
    max_tokens_field: z.enum(['max_tokens', 'max_completion_tokens']).optional(),
    /** OpenAI-compatible only: send earlier reasoning back as `reasoning_content` on translated requests (DeepSeek,
     *  Kimi and GLM need it on tool-call turns in thinking mode; OpenAI, Cerebras and Bedrock refuse the field). */
    send_reasoning_content: z.boolean().default(false),
    /** OpenAI-compatible only: `mistral` sends tool call ids as the 9 letters and digits Mistral requires
     *  (default: mistral for api.mistral.ai, any elsewhere; set it for vLLM serving Mistral models). */
    tool_call_ids: z.enum(['any', 'mistral']).optional(),
    /** USD per million tokens, by upstream model name. */
    pricing: z.record(z.string(), price).default({}),
    max_connections: z.number().int().positive().max(100_000).default(128),
  })
  .strict();

const target = z
  .object({
    provider: name,
    model: z.string().min(1),
    weight: z.number().positive().max(1_000_000).default(1),
  })
  .strict();

const model = z
  .object({
    name,
    strategy: z.enum(['fallback', 'weighted', 'least-latency']).default('fallback'),
    targets: z.array(target).min(1, 'a model needs at least one target'),
    fallback_on: z.array(z.enum(ERROR_CLASSES)).default(['rate_limit', 'server_error', 'timeout', 'connection']),
  })
  .strict();

const client = z
  .object({
    name,
    token: z.string().min(16, 'a client token must be at least 16 characters').optional(),
    token_sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, 'expected 64 hex characters')
      .optional(),
  })
  .strict();

const routing = z
  .object({
    timeout: z
      .object({
        connect_ms: z.number().int().positive().max(HOUR_MS).default(3_000),
        first_byte_ms: z.number().int().positive().max(HOUR_MS).default(30_000),
        idle_stream_ms: z.number().int().positive().max(HOUR_MS).default(60_000),
        total_ms: z.number().int().positive().max(DAY_MS).default(600_000),
      })
      .strict()
      .default({ connect_ms: 3_000, first_byte_ms: 30_000, idle_stream_ms: 60_000, total_ms: 600_000 }),
    retries: z
      .object({
        max_attempts: z.number().int().min(1).max(20).default(3),
        backoff_ms: z.number().int().nonnegative().max(HOUR_MS).default(200),
        max_backoff_ms: z.number().int().nonnegative().max(HOUR_MS).default(5_000),
        respect_retry_after: z.boolean().default(true),
        budget_ms: z.number().int().nonnegative().max(DAY_MS).default(20_000),
      })
      .strict()
      .default({
        max_attempts: 3,
        backoff_ms: 200,
        max_backoff_ms: 5_000,
        respect_retry_after: true,
        budget_ms: 20_000,
      }),
    cooldown: z
      .object({
        failures: z.number().int().positive().max(1_000_000).default(3),
        window_s: z.number().min(0.1).max(86_400).default(30),
        cooldown_s: z.number().min(0.1).max(86_400).default(30),
      })
      .strict()
      .default({ failures: 3, window_s: 30, cooldown_s: 30 }),
    health_checks: z
      .object({
        enabled: z.boolean().default(false),
        interval_s: z.number().min(0.1).max(86_400).default(15),
        timeout_ms: z.number().int().positive().max(600_000).default(3_000),
      })
      .strict()
      .default({ enabled: false, interval_s: 15, timeout_ms: 3_000 }),
    sticky: z
      .object({
        header: z.string().min(1).default('x-session-id'),
        ttl_s: z
          .number()
          .min(1)
          .max(30 * 86_400)
          .default(1_800),
      })
      .strict()
      .optional(),
  })
  .strict();

const adminUi = z
  .object({
    /** A session ends this long after sign-in, however active. */
    session_hours: z.number().positive().max(720).default(12),
    /** A session ends after this long without a request. */
    idle_minutes: z.number().positive().max(1440).default(30),
    /**
     * Addresses of reverse proxies whose X-Forwarded-For/-Proto/-Host are believed (the client address for
     * sign-in throttling, https for the Secure cookie flag, the host for same-origin checks). Empty: none.
     */
    trusted_proxies: z.array(z.string().min(1)).default([]),
  })
  .strict();

/** Bounds on client connections: a slow or idle client cannot hold the gateway's sockets (all need a restart). */
const connectionLimits = z
  .object({
    /** Open client connections across all addresses; more are refused at accept. */
    max: z.number().int().min(1).max(1_000_000).default(4_096),
    /** Open connections from one client address. */
    max_per_address: z.number().int().min(1).max(1_000_000).default(256),
    /** Time a client may take to send a request's headers. */
    headers_timeout_ms: z.number().int().min(100).max(600_000).default(20_000),
    /** Time a client may take to send a whole request, body included (not the response, which may stream). */
    request_timeout_ms: z.number().int().min(100).max(3_600_000).default(120_000),
    /** How long an idle keep-alive connection is held: longer than common load-balancer idle timeouts (60 s). */
    keep_alive_timeout_ms: z.number().int().min(100).max(600_000).default(65_000),
  })
  .strict();

export type ConnectionLimits = z.infer<typeof connectionLimits>;

export const configSchema = z
  .object({
    server: z
      .object({
        listen: listenAddress.default('127.0.0.1:8080'),
        admin_listen: listenAddress.optional(),
        max_body_size: byteSize.default(10 * 1024 * 1024),
        // Long enough for most LLM streams to finish; see docs/operations.md for orchestrators' kill timers.
        shutdown_grace_ms: z.number().int().nonnegative().max(HOUR_MS).default(120_000),
        connections: connectionLimits.default(() => connectionLimits.parse({})),
      })
      .strict()
      .default(() => ({
        listen: '127.0.0.1:8080',
        max_body_size: 10 * 1024 * 1024,
        shutdown_grace_ms: 120_000,
        connections: connectionLimits.parse({}),
      })),
    storage: z.string().min(1).default('sqlite:./data/gateway.db'),
    telemetry: z
      .object({
        flush_interval_ms: z.number().int().positive().max(60_000).default(200),
        batch_size: z.number().int().positive().max(100_000).default(500),
        /** Days of request records kept; older ones are deleted hourly. 0 keeps them forever. */
        retention_days: z.number().int().nonnegative().max(36_500).default(30),
        /** Days of per-minute rollups kept (the Admin UI's charts up to 24 h); 0 keeps them forever. */
        rollup_minute_days: z.number().int().nonnegative().max(36_500).default(2),
        /** Days of per-hour rollups kept (charts beyond 24 h); 0 keeps them forever. */
        rollup_hour_days: z.number().int().nonnegative().max(36_500).default(90),
      })
      .strict()
      .default({
        flush_interval_ms: 200,
        batch_size: 500,
        retention_days: 30,
        rollup_minute_days: 2,
        rollup_hour_days: 90,
      }),
    providers: z.array(provider).default([]),
    models: z.array(model).default([]),
    clients: z.array(client).default([]),
    routing: routing.default(() => routing.parse({})),
    /** Browser sign-in to the Admin UI. */
    admin_ui: adminUi.default(() => adminUi.parse({})),
  })
  .strict();

export type GatewayConfig = z.output<typeof configSchema>;
export type ProviderConfig = GatewayConfig['providers'][number];
export type ModelConfig = GatewayConfig['models'][number];
export type TargetConfig = ModelConfig['targets'][number];
export type ClientConfig = GatewayConfig['clients'][number];
export type RoutingConfig = GatewayConfig['routing'];
export type PriceConfig = z.output<typeof price>;
