import { Counter, Histogram, type Registry } from 'prom-client';
import type { AttemptRecord, RequestRecord } from '../request-record.js';
import { LLM_SECONDS_BUCKETS } from './buckets.js';
import { ChildCache } from './child-cache.js';
import { boundedName, statusClass } from './label-values.js';

/** The names the config knows, so labels never carry values a client made up. */
export interface KnownNames {
  models: ReadonlySet<string>;
  providers: ReadonlySet<string>;
  /** Upstream models by provider name. */
  upstreamModels: ReadonlySet<string>;
  clients: ReadonlySet<string>;
}

/** `cached` and `cache_write` are parts of `input`, `reasoning` a part of `output` (never add them up). */
const TOKEN_TYPES = ['input', 'output', 'cached', 'cache_write', 'reasoning'] as const;

/**
 * The series fed by each request's telemetry record once its response has closed: off the response path, a
 * few map lookups and increments per request.
 */
export class RequestMetrics {
  private known: KnownNames = {
    models: new Set(),
    providers: new Set(),
    upstreamModels: new Set(),
    clients: new Set(),
  };
  private readonly requests: ChildCache<Counter.Internal>;
  private readonly duration: ChildCache<Histogram.Internal<string>>;
  private readonly ttft: ChildCache<Histogram.Internal<string>>;
  private readonly attempts: ChildCache<Counter.Internal>;
  private readonly attemptDuration: ChildCache<Histogram.Internal<string>>;
  private readonly tokens: ChildCache<Counter.Internal>;
  private readonly cost: ChildCache<Counter.Internal>;

  constructor(
    registry: Registry,
    private readonly clientLabels: boolean,
  ) {
    const client = clientLabels ? ['client'] : [];
    const registers = [registry];
    const requests = new Counter({
      name: 'amg_requests_total',
      help: 'Client requests by model, provider, route mode, entry point and status class.',
      labelNames: ['model', 'provider', 'route_mode', 'entry_point', 'status_class', ...client],
      registers,
    });
    const duration = new Histogram({
      name: 'amg_request_duration_seconds',
      help: 'Time from a request arriving to its response closing.',
      labelNames: ['model', 'provider', 'entry_point', 'stream'],
      buckets: [...LLM_SECONDS_BUCKETS],
      registers,
    });
    const ttft = new Histogram({
      name: 'amg_time_to_first_token_seconds',
      help: 'Time from a streamed request arriving to its first byte sent to the client.',
      labelNames: ['model', 'provider', 'entry_point'],
      buckets: [...LLM_SECONDS_BUCKETS],
      registers,
    });
    const attempts = new Counter({
      name: 'amg_upstream_attempts_total',
      help: 'Upstream attempts (retries and fallbacks included) by target and outcome (success or the error class).',
      labelNames: ['provider', 'upstream_model', 'outcome'],
      registers,
    });
    const attemptDuration = new Histogram({
      name: 'amg_upstream_attempt_duration_seconds',
      help: 'Time an upstream attempt took: to the response head for answers, the whole attempt for failures.',
      labelNames: ['provider', 'upstream_model'],
      buckets: [...LLM_SECONDS_BUCKETS],
      registers,
    });
    const tokens = new Counter({
      name: 'amg_tokens_total',
      help: 'Tokens as the provider reported them, by type (input includes cached and cache_write).',
      labelNames: ['model', 'provider', 'type', ...client],
      registers,
    });
    const cost = new Counter({
      name: 'amg_cost_usd_total',
      help: 'Cost in USD at the configured prices of the serving target.',
      labelNames: ['model', 'provider', ...client],
      registers,
    });
    this.requests = new ChildCache((values) => requests.labels(...values));
    this.duration = new ChildCache((values) => duration.labels(...values));
    this.ttft = new ChildCache((values) => ttft.labels(...values));
    this.attempts = new ChildCache((values) => attempts.labels(...values));
    this.attemptDuration = new ChildCache((values) => attemptDuration.labels(...values));
    this.tokens = new ChildCache((values) => tokens.labels(...values));
    this.cost = new ChildCache((values) => cost.labels(...values));
  }

  setKnown(known: KnownNames): void {
    this.known = known;
  }

  observe(record: RequestRecord): void {
    const known = this.known;
    const model = boundedName(record.requestedModel, known.models);
    const provider = boundedName(record.provider, known.providers);
    const client = this.clientLabels ? [boundedName(record.client, known.clients)] : [];
    this.requests
      .get([model, provider, record.routeMode, record.entryPoint, statusClass(record.status), ...client])
      .inc();
    this.duration.get([model, provider, record.entryPoint, String(record.stream)]).observe(record.latencyMs / 1000);
    if (record.stream && record.ttfbMs !== null && record.status < 400) {
      this.ttft.get([model, provider, record.entryPoint]).observe(record.ttfbMs / 1000);
    }
    for (const attempt of record.attempts) this.observeAttempt(attempt);
    this.observeUsage(record, model, provider, client);
  }

  private observeAttempt(attempt: AttemptRecord): void {
    const provider = boundedName(attempt.provider, this.known.providers);
    const upstreamModel = boundedName(attempt.model, this.known.upstreamModels);
    const outcome = attempt.status > 0 && attempt.status < 400 && !attempt.errorClass ? 'success' : attempt.errorClass;
    this.attempts.get([provider, upstreamModel, outcome ?? statusClass(attempt.status)]).inc();
    this.attemptDuration.get([provider, upstreamModel]).observe(attempt.latencyMs / 1000);
  }

  private observeUsage(record: RequestRecord, model: string, provider: string, client: string[]): void {
    const counts = [
      record.inputTokens,
      record.outputTokens,
      record.cachedTokens,
      record.cacheWriteTokens,
      record.reasoningTokens,
    ];
    for (const [index, type] of TOKEN_TYPES.entries()) {
      const count = counts[index];
      if (count) this.tokens.get([model, provider, type, ...client]).inc(count);
    }
    if (record.costUsd) this.cost.get([model, provider, ...client]).inc(record.costUsd);
  }
}
