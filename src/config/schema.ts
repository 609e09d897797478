import { z } from 'zod';
import { parseByteSize } from './byte-size.js';
import { keyPolicyShape } from './key-policy-schema.js';

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

const perMillion = z.number().nonnegative().max(1_000_000);
const longContextPrice = z
  .object({
    above_input_tokens: z.number().int().positive(),
    input: perMillion,
    output: perMillion,
    cached_input: perMillion.optional(),
    cache_write: perMillion.optional(),
  })
  .strict();
/** USD per million tokens; or `same_as: <table model>` to price an Azure deployment or alias as a known model. */
const price = z
  .object({
    input: perMillion.optional(),
    output: perMillion.optional(),
    cached_input: perMillion.optional(),
    cache_write: perMillion.optional(),
    reasoning: perMillion.optional(),
    long_context: longContextPrice.optional(),
    same_as: z.string().min(1).optional(),
  })
  .strict()
  .refine((p) => (p.same_as === undefined) === (p.input !== undefined && p.output !== undefined), {
    message: 'a price sets input and output, or same_as naming a model of the price table (not both)',
  });

export const PROVIDER_TYPES = ['openai', 'anthropic', 'azure-openai', 'gemini', 'bedrock', 'vertex'] as const;
export const OPENAI_PRESETS = [
  'groq',
  'together',
  'fireworks',
  'deepseek',
  'mistral',
  'openrouter',
  'xai',
  'cerebras',
  'perplexity',
  'ollama',
  'vllm',
  'lmstudio',
] as const;

const entraCredentials = z
  .object({
    tenant_id: z.string().min(1),
    client_id: z.string().min(1),
    client_secret: z.string().min(1),
    /** Default: https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token */
    token_url: z.string().url().optional(),
    scope: z.string().min(1).default('https://cognitiveservices.azure.com/.default'),
  })
  .strict();

const awsCredentials = z
  .object({
    region: z.string().min(1).optional(),
    access_key_id: z.string().optional(),
    secret_access_key: z.string().optional(),
    session_token: z.string().optional(),
    /** A profile of the shared credentials file, read when the config is applied. */
    profile: z.string().min(1).optional(),
    /** The shared credentials file (default: AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials). */
    credentials_file: z.string().optional(),
  })
  .strict();

const vertexSettings = z
  .object({
    project: z.string().min(1),
    location: z.string().min(1).default('us-central1'),
    /** Path of a service-account JSON key file. */
    service_account_file: z.string().optional(),
    /** The service-account JSON itself (e.g. from an environment variable). */
    service_account_json: z.string().optional(),
    /** Default: the token_uri of the service account (https://oauth2.googleapis.com/token). */
    token_url: z.string().url().optional(),
    /** Claude on Vertex: the anthropic_version sent in the body. */
    anthropic_version: z.string().min(1).default('vertex-2023-10-16'),
  })
  .strict();

const provider = z
  .object({
    name,
    type: z.enum(PROVIDER_TYPES),
    base_url: z.string().min(1),
    api_key: z.string().optional(),
    allow_private_network: z.boolean().default(false),
    headers: z.record(z.string(), z.string()).default({}),
    /** OpenAI-compatible only: ask for usage on streams (`stream_options.include_usage`). */
    stream_usage: z.boolean().default(true),
    /** Anthropic only: the `anthropic-version` header sent upstream on translated requests. */
    anthropic_version: z.string().default('2023-06-01'),
    /** max_tokens sent to an upstream that requires one (Anthropic) when the client gave none, for models neither
     *  `max_output_tokens` nor the shipped table of known models (providers/model-output-limits.ts) covers;
     *  4096 when unset. */
    default_max_tokens: z.number().int().positive().max(10_000_000).optional(),
    /** The output limit sent when the client gave none, by upstream model; overrides the shipped table. */
    max_output_tokens: z.record(z.string(), z.number().int().positive().max(10_000_000)).default({}),
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
    /** OpenAI-compatible only: a known cloud or local server (default base_url, key variable, quirks). */
    preset: z.enum(OPENAI_PRESETS).optional(),
    /** azure-openai only: the `api-version` query parameter of deployment paths (not sent on /openai/v1). */
    api_version: z.string().min(1).optional(),
    /** azure-openai only: send stateless Responses requests to the resource's own Responses API instead of
     *  translating them to Chat Completions. Off by default: not every deployment's model serves that API. */
    responses_api: z.boolean().default(false),
    /** azure-openai only: Microsoft Entra client credentials, instead of api_key. */
    entra: entraCredentials.optional(),
    /** bedrock only: region and SigV4 credentials (default: the AWS_* environment variables or a shared profile). */
    aws: awsCredentials.optional(),
    /** vertex only: project, location and the service account. */
    vertex: vertexSettings.optional(),
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
    /** `strict` refuses translated requests whose hints cannot be carried over, instead of mapping or dropping them. */
    translation: z.enum(['lenient', 'strict']).optional(),
  })
  .strict();

/** An IANA time zone the runtime knows (Intl throws a RangeError for any other). */
const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone such as UTC or Europe/Berlin');

const limits = z
  .object({
    /** Where a day and a month of a budget begin and end. */
    budget_timezone: timeZone.default('UTC'),
  })
  .strict();

const redisUrl = z.string().regex(/^rediss?:\/\/.+/, 'expected redis://host:port or rediss://host:port');

/** Whether an ISO date's year, month and day name a day of the calendar (and its time, if any, parses). */
function isRealDate(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && !Number.isNaN(Date.parse(text));
}

/**
 * An absolute point in time as ISO 8601: `2027-03-01` (midnight UTC) or a date-time with `Z` or an offset. A
 * date-time without one is refused: JavaScript would read it in the server's local zone, which the writer may not
 * know. (A relative expiry like `amg keys create --expires-in-days` has no meaning in a file reloaded at will.)
 */
const instant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i,
    'use an ISO 8601 date (2027-03-01) or date-time with a zone (2027-03-01T09:00:00Z, 2027-03-01T09:00+01:00)',
  )
  .refine(isRealDate, 'not a real date (JavaScript would roll 2027-02-30 over to March)');

const client = z
  .object({
    name,
    token: z.string().min(16, 'a client token must be at least 16 characters').optional(),
    token_sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, 'expected 64 hex characters')
      .optional(),
    /** When the token stops working: an ISO 8601 date (midnight UTC) or date-time with Z or an offset. */
    expires_at: instant.optional(),
    /** `strict` refuses this client's translated requests whose hints cannot be carried over (see models[]). */
    translation: z.enum(['lenient', 'strict']).optional(),
    /** Model access, rate limits, budgets and tags, as `amg keys create` takes them (docs/configuration.md). */
    ...keyPolicyShape,
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
    /** Open connections from one client address that have not yet authenticated (authenticated ones count only against max). */
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
const otlp = z
  .object({
    /** The collector's OTLP/HTTP base URL (`/v1/traces` is appended unless the path already ends with it). */
    endpoint: z.url({ protocol: /^https?$/ }),
    headers: z.record(z.string(), z.string()).default({}),
    sample_ratio: z.number().min(0).max(1).default(1),
    /** OTLP/HTTP encoding (OTLP's default is protobuf: half the CPU of JSON per span and about 40% of its bytes). */
    protocol: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
    /** Attach prompts and completions to spans (`gen_ai.input.messages` / `output.messages`). Off: content is private. */
    capture_content: z.boolean().default(false),
    /** The most UTF-8 bytes of content one attribute holds; longer content is cut and marked. */
    content_max_bytes: z.number().int().min(256).max(1_048_576).default(16_384),
  })
  .strict();

const metrics = z
  .object({
    enabled: z.boolean().default(true),
    /** A bearer token for scrapers only; admin tokens are accepted as well. */
    token: z.string().min(16, 'a metrics token must be at least 16 characters').optional(),
    /** Serve /metrics to anyone who can reach it. Off unless set: the series name providers, models and clients. */
    allow_unauthenticated: z.boolean().default(false),
    /** Label requests by client name (one series per client: opt in only when clients are few). */
    client_labels: z.boolean().default(false),
  })
  .strict();

const logSettings = z
  .object({
    level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /** One line per request with the fields of its telemetry record (never bodies or tokens). */
    access_log: z.boolean().default(false),
    output: z.enum(['stdout', 'stderr']).default('stdout'),
  })
  .strict();

export const configSchema = z
  .object({
    server: z
      .object({
        listen: listenAddress.default('127.0.0.1:8080'),
        admin_listen: listenAddress.optional(),
        max_body_size: byteSize.default(10 * 1024 * 1024),
        // Long enough for most LLM streams to finish; see docs/operations.md for orchestrators' kill timers.
        shutdown_grace_ms: z.number().int().nonnegative().max(HOUR_MS).default(120_000),
        /** On shutdown, how long /readyz answers 503 while requests are still served, before the listeners close. */
        readiness_drain_ms: z.number().int().nonnegative().max(HOUR_MS).default(0),
        connections: connectionLimits.default(() => connectionLimits.parse({})),
      })
      .strict()
      .default(() => ({
        listen: '127.0.0.1:8080',
        max_body_size: 10 * 1024 * 1024,
        shutdown_grace_ms: 120_000,
        readiness_drain_ms: 0,
        connections: connectionLimits.parse({}),
      })),
    storage: z.string().min(1).default('sqlite:./data/gateway.db'),
    telemetry: z
      .object({
        flush_interval_ms: z.number().int().positive().max(60_000).default(200),
        batch_size: z.number().int().positive().max(100_000).default(500),
        /** Days of request records kept; older ones are deleted hourly. 0 keeps them forever. */
        retention_days: z.number().int().nonnegative().max(36_500).default(30),
        /** OpenTelemetry traces over OTLP/HTTP; off when absent (unless OTEL_EXPORTER_OTLP_* says otherwise). */
        otlp: otlp.optional(),
        /** Days of per-minute rollups kept (the Admin UI's charts up to a few hours); 0 keeps them forever. */
        rollup_minute_days: z.number().int().nonnegative().max(36_500).default(2),
        /** Days of ten-minute rollups kept (charts of about a day); 0 keeps them forever. */
        rollup_ten_minute_days: z.number().int().nonnegative().max(36_500).default(14),
        /** Days of per-hour rollups kept (charts of a day or a few); 0 keeps them forever. */
        rollup_hour_days: z.number().int().nonnegative().max(36_500).default(90),
        /** Days of six-hour rollups kept (charts of a week or so); 0 keeps them forever. */
        rollup_six_hour_days: z.number().int().nonnegative().max(36_500).default(400),
        /** Days of per-day rollups kept (charts of a month and more); 0 keeps them forever. */
        rollup_day_days: z.number().int().nonnegative().max(36_500).default(730),
      })
      .strict()
      .default({
        flush_interval_ms: 200,
        batch_size: 500,
        retention_days: 30,
        rollup_minute_days: 2,
        rollup_ten_minute_days: 14,
        rollup_hour_days: 90,
        rollup_six_hour_days: 400,
        rollup_day_days: 730,
      }),
    providers: z.array(provider).default([]),
    models: z.array(model).default([]),
    clients: z.array(client).default([]),
    /** Settings of client limits and budgets. */
    limits: limits.default(() => limits.parse({})),
    /** A Redis server shared by every gateway process, so that they enforce one limit per key instead of one each. */
    redis: redisUrl.optional(),
    routing: routing.default(() => routing.parse({})),
    /** Stateful Responses: responses kept for previous_response_id and GET /v1/responses/{id}. */
    responses: z
      .object({
        /** Keep responses whose request did not say `store: false` (OpenAI's default). false: never keep any. */
        store: z.boolean().default(true),
        /** Days a stored response is kept; older ones are deleted hourly. 0 keeps them forever. */
        retention_days: z.number().int().nonnegative().max(36_500).default(30),
      })
      .strict()
      .default({ store: true, retention_days: 30 }),
    metrics: metrics.default(() => metrics.parse({})),
    log: logSettings.default(() => logSettings.parse({})),
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
export type OtlpConfig = z.output<typeof otlp>;
export type MetricsConfig = GatewayConfig['metrics'];
export type LogConfig = GatewayConfig['log'];
