import type { Env } from '../../config/env-expand.js';
import type { OtlpConfig } from '../../config/schema.js';

export interface TracingSettings {
  /** The full URL spans are POSTed to. */
  url: string;
  headers: Record<string, string>;
  sampleRatio: number;
  /**
   * Whether a caller's sampled flag decides (parent-based, the default and what `sample_ratio` does); false for
   * OTEL_TRACES_SAMPLER `always_on`, `always_off` and `traceidratio`, which ignore the caller's decision.
   */
  parentBased?: boolean;
  protocol: 'http/json' | 'http/protobuf';
  /** Set when prompts and completions go on spans: the most bytes one content attribute holds. */
  content?: { maxBytes: number };
  /** Resource attributes the environment sets (OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME), when it sets any. */
  resource?: Record<string, string>;
  /** OTEL_BSP_SCHEDULE_DELAY: how long a batch's first span waits for the batch to fill, when the variable sets it. */
  scheduleDelayMs?: number;
}

const DEFAULT_CONTENT_MAX_BYTES = 16_384;

const TRACES_PATH = '/v1/traces';

function tracesUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith(TRACES_PATH) ? trimmed : `${trimmed}${TRACES_PATH}`;
}

/** A percent-encoded part, or the text as written when it is not valid percent-encoding (a literal `%`). */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * `key=value,key2=value2` with URL-encoded values, as OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES
 * have them.
 */
export function parseOtlpHeaders(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    headers[decoded(pair.slice(0, equals).trim())] = decoded(pair.slice(equals + 1).trim());
  }
  return headers;
}

/**
 * The resource attributes every OpenTelemetry SDK reads from the environment, whichever way tracing was turned
 * on: OTEL_RESOURCE_ATTRIBUTES, and OTEL_SERVICE_NAME, which wins for `service.name` (several gateways, or one per
 * environment, are told apart in the tracing backend this way). Undefined when neither is set.
 */
function resourceFromEnv(env: Env): Record<string, string> | undefined {
  const attributes = parseOtlpHeaders(env.OTEL_RESOURCE_ATTRIBUTES);
  const serviceName = env.OTEL_SERVICE_NAME?.trim();
  if (serviceName) attributes['service.name'] = serviceName;
  return Object.keys(attributes).length > 0 ? attributes : undefined;
}

/**
 * OTEL_BSP_SCHEDULE_DELAY in milliseconds, as the SDK's batch processor reads it: a non-negative integer, else
 * unset (the gateway's own default stands).
 */
function scheduleDelayFromEnv(env: Env): { scheduleDelayMs?: number } {
  const text = env.OTEL_BSP_SCHEDULE_DELAY?.trim();
  const ms = text ? Number(text) : Number.NaN;
  return Number.isSafeInteger(ms) && ms >= 0 ? { scheduleDelayMs: ms } : {};
}

/**
 * The collector headers: OTEL_EXPORTER_OTLP_HEADERS, then OTEL_EXPORTER_OTLP_TRACES_HEADERS, then the config's,
 * merged by name (case-insensitively, as HTTP reads them), a later source winning a name. That is the
 * specification's order (the signal-specific variable over the generic one, configuration given in code over the
 * environment) and what the official JavaScript exporters do with the two; a config that sets one header keeps
 * the others the environment gives (a tenant or routing header set per deployment, say).
 */
function collectorHeaders(env: Env, configured: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = {};
  const sources = [
    parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS),
    parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
    configured,
  ];
  for (const source of sources) for (const [name, value] of Object.entries(source)) headers[name.toLowerCase()] = value;
  return headers;
}

/**
 * OTEL_TRACES_SAMPLER (and _ARG) as the specification defines them: the `parentbased_*` samplers (and an unset
 * or unknown value: `parentbased_always_on`) follow a caller's sampled flag; `always_on`, `always_off` and
 * `traceidratio` decide by themselves whatever the caller sent.
 */
function samplerFromEnv(env: Env): { sampleRatio: number; parentBased: boolean } {
  const sampler = env.OTEL_TRACES_SAMPLER?.trim();
  // An empty (or blank) variable is unset, not the 0 that Number('') would make of it: ratio 1, the default.
  const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  const ratio = arg ? Number(arg) : Number.NaN;
  const argRatio = ratio >= 0 && ratio <= 1 ? ratio : 1;
  switch (sampler) {
    case 'always_on':
      return { sampleRatio: 1, parentBased: false };
    case 'always_off':
      return { sampleRatio: 0, parentBased: false };
    case 'traceidratio':
      return { sampleRatio: argRatio, parentBased: false };
    case 'parentbased_always_off':
      return { sampleRatio: 0, parentBased: true };
    case 'parentbased_traceidratio':
      return { sampleRatio: argRatio, parentBased: true };
    default:
      return { sampleRatio: 1, parentBased: true };
  }
}

/**
 * Where traces go, or undefined when tracing is off: `telemetry.otlp` in the config, else the standard
 * OTEL_EXPORTER_OTLP_* variables (the signal-specific ones first); off whenever OTEL_SDK_DISABLED is true. Content
 * goes on spans only with `capture_content: true` (or OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true).
 */
export function tracingSettings(otlp: OtlpConfig | undefined, env: Env): TracingSettings | undefined {
  // The specification's switch for every signal, and the one an operator reaches for in an incident (no config
  // publish needed): it wins over `telemetry.otlp` too, as it does over the official NodeSDK's own settings.
  if (sdkDisabled(env)) return undefined;
  const resource = resourceFromEnv(env);
  if (otlp) {
    return {
      ...(resource ? { resource } : {}),
      ...scheduleDelayFromEnv(env),
      url: tracesUrl(otlp.endpoint),
      headers: collectorHeaders(env, otlp.headers),
      sampleRatio: otlp.sample_ratio,
      protocol: otlp.protocol,
      ...(otlp.capture_content ? { content: { maxBytes: otlp.content_max_bytes } } : {}),
    };
  }
  if (env.OTEL_TRACES_EXPORTER === 'none') return undefined;
  // An empty variable counts as unset, as the OpenTelemetry specification says.
  const url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || tracesUrlOrUndefined(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (!url) return undefined;
  return {
    ...(resource ? { resource } : {}),
    ...scheduleDelayFromEnv(env),
    url,
    headers: collectorHeaders(env),
    ...samplerFromEnv(env),
    protocol: protocolFromEnv(env),
    // The variable OpenTelemetry's GenAI instrumentations read for the same choice.
    ...(env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT?.toLowerCase() === 'true'
      ? { content: { maxBytes: DEFAULT_CONTENT_MAX_BYTES } }
      : {}),
  };
}

/** OTEL_SDK_DISABLED=true (case-insensitive, blanks trimmed). */
export function sdkDisabled(env: Env): boolean {
  return env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true';
}

function tracesUrlOrUndefined(base: string | undefined): string | undefined {
  return base ? tracesUrl(base) : undefined;
}

/** OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL: http/json when it says so, else OTLP's default http/protobuf (no grpc). */
function protocolFromEnv(env: Env): TracingSettings['protocol'] {
  // `||`: an empty signal-specific variable is unset and leaves the generic one in force.
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() || env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim();
  return protocol === 'http/json' ? 'http/json' : 'http/protobuf';
}
