import type { RequestServices } from '../api/shared/exchange.js';
import type { Env } from '../config/env-expand.js';
import type { ChangeGuard } from '../config/guard/change-guard.js';
import type { RoutingState } from '../routing/routing-state.js';
import { accessLogFields } from '../telemetry/access-log.js';
import type { BatchWriter } from '../telemetry/batch-writer.js';
import { GatewayMetrics } from '../telemetry/metrics/gateway-metrics.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import { startTracing } from '../telemetry/tracing/start-tracing.js';
import { sdkDisabled, tracingSettings } from '../telemetry/tracing/tracing-settings.js';
import type { GatewaySnapshot } from './gateway-snapshot.js';
import { configureLog, log, writeAccessLine } from './log.js';

export interface ObservabilityDeps {
  snapshot(): GatewaySnapshot;
  routing: RoutingState;
  telemetry(): BatchWriter;
  guard: ChangeGuard;
  inFlight(): number;
  /** Where the tracer is handed to the data plane. */
  services: RequestServices;
  env: Env;
  version: string;
}

/** How long a stopping gateway waits for its last spans to be exported. */
export const TRACE_FLUSH_WAIT_MS = 5_000;

/**
 * Metrics, traces and logs as operators' own tools read them. Every request's record passes through
 * `observe` once its response has closed; the tracer lives in the request services while tracing is on.
 */
export class Observability {
  private metricsRef: GatewayMetrics | undefined;

  constructor(private readonly deps: ObservabilityDeps) {}

  get metrics(): GatewayMetrics | undefined {
    return this.metricsRef;
  }

  /** Follows a config change: log settings, metrics on or off, the names metric labels may take. */
  adopt(snapshot: GatewaySnapshot): void {
    const { config } = snapshot;
    configureLog(config.log);
    if (config.metrics.enabled && !this.metricsRef) this.metricsRef = this.createMetrics(config.metrics.client_labels);
    this.metricsRef?.setKnown({
      models: new Set(snapshot.models.keys()),
      providers: new Set(snapshot.providers.keys()),
      upstreamModels: new Set([...snapshot.targets.values()].map((entry) => entry.target.model)),
      clients: new Set(config.clients.map((client) => client.name)),
    });
  }

  private createMetrics(clientLabels: boolean): GatewayMetrics {
    const deps = this.deps;
    return new GatewayMetrics(
      {
        targets: () =>
          [...deps.snapshot().targets.values()].map(({ target }) => ({
            id: target.id,
            provider: target.provider.name,
            model: target.model,
          })),
        routing: deps.routing,
        inFlight: deps.inFlight,
        telemetry: deps.telemetry,
        spans: () => deps.services.tracer?.spans,
        revision: () => deps.snapshot().revision,
        guardWatching: () => deps.guard.current !== undefined,
        now: Date.now,
      },
      { clientLabels },
    );
  }

  observe(record: RequestRecord): void {
    const config = this.deps.snapshot().config;
    if (config.metrics.enabled) this.metricsRef?.observe(record);
    if (config.log.access_log) writeAccessLine(accessLogFields(record));
  }

  /** Starts tracing when the config or the OTEL_* variables ask for it (the SDK is loaded only then). */
  async startTracing(): Promise<void> {
    const configured = this.deps.snapshot().config.telemetry.otlp;
    const settings = tracingSettings(configured, this.deps.env);
    if (!settings) {
      if (configured && sdkDisabled(this.deps.env)) {
        log.warn('tracing off: OTEL_SDK_DISABLED=true overrides telemetry.otlp', {
          endpoint: withoutCredentials(configured.endpoint),
        });
      }
      return;
    }
    if (!isHttpUrl(settings.url)) {
      // Only the variables can say so (the config's endpoint is validated): a value written without its scheme
      // (`collector:4318`, `otel-collector`) made the start fail on an unparsable URL, or every export fail later.
      // As the OpenTelemetry specification asks of a bad setting, the gateway says so and runs without it.
      log.warn('tracing off: the OTLP endpoint is not an http(s) URL', {
        endpoint: settings.url.replace(/^(?:[a-z][a-z0-9+.-]*:\/\/)?[^/@]*@/i, ''),
        hint: 'OTEL_EXPORTER_OTLP_ENDPOINT takes a URL with its scheme: http://otel-collector:4318',
      });
      return;
    }
    const endpoint = withoutCredentials(settings.url);
    const service = { name: 'ai-model-gateway', version: this.deps.version };
    this.deps.services.tracer = await startTracing(settings, service, endpoint);
    log.info('tracing on', { endpoint, sample_ratio: settings.sampleRatio, protocol: settings.protocol });
    const asked = unspokenProtocol(this.deps.env, this.deps.snapshot().config.telemetry.otlp !== undefined);
    if (asked) {
      log.warn('OTLP protocol not spoken; exporting over HTTP instead', {
        asked,
        protocol: settings.protocol,
        hint: 'grpc collectors listen on 4317 and OTLP/HTTP on 4318: point the endpoint at the HTTP port',
      });
    }
  }

  /** Exports the spans buffered so far (tests, and before a planned stop). */
  async flushTraces(): Promise<void> {
    await this.deps.services.tracer?.flush();
  }

  /**
   * Exports the spans still queued, for at most TRACE_FLUSH_WAIT_MS: a collector that accepts connections and
   * never answers costs each batch the exporter's whole timeout (10 s), and several batches may be queued, which
   * would hold the exit past any process manager's kill timer. The request records are already written by then.
   */
  async close(): Promise<void> {
    const tracer = this.deps.services.tracer;
    this.deps.services.tracer = undefined;
    if (tracer === undefined) return;
    const exported = tracer.shutdown().then(
      () => true,
      (error: unknown) => {
        log.warn('exporting the last spans failed', { error: String(error) });
        return true;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), TRACE_FLUSH_WAIT_MS);
    });
    const settled = await Promise.race([exported, gaveUp]);
    clearTimeout(timer);
    if (!settled) {
      log.warn('the last spans were not exported: the collector did not answer in time', {
        waited_ms: TRACE_FLUSH_WAIT_MS,
      });
    }
  }
}

function isHttpUrl(url: string): boolean {
  const protocol = URL.canParse(url) ? new URL(url).protocol : undefined;
  return protocol === 'http:' || protocol === 'https:';
}

/** A URL as it may be logged: a `user:password@` part (a collector's basic auth) left out. */
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

/**
 * The OTLP protocol the variables ask for when the gateway does not speak it (grpc): tracing then exports over
 * OTLP/HTTP, which a gRPC-only endpoint refuses. Undefined when the config sets tracing (it wins) or all is well.
 */
function unspokenProtocol(env: Env, configured: boolean): string | undefined {
  if (configured) return undefined;
  const asked = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  return asked && asked !== 'http/json' && asked !== 'http/protobuf' ? asked : undefined;
}
