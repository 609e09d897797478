import type { Registry } from 'prom-client';
import type { AttemptRecord, RequestRecord } from '../request-record.js';
import { LLM_SECONDS_BUCKETS } from './buckets.js';
import { CellCounter, type CounterCell } from './counter-cells.js';
import { CellHistogram, type HistogramCell } from './histogram-cells.js';
import { boundedName, statusClass } from './label-values.js';
import { PathMap } from './path-map.js';

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
 * The cells one kind of request counts into (same model, provider, entry point, route mode, status class, stream
 * and client), each resolved the first time such a request counts into it: a series appears in the exposition
 * from its first increment, as with prom-client.
 */
class RequestCells {
  requests: CounterCell | undefined;
  duration: HistogramCell | undefined;
  ttft: HistogramCell | undefined;
  readonly tokens: Array<CounterCell | undefined> = TOKEN_TYPES.map(() => undefined);
  /** Input and output tokens the gateway estimated, in TOKEN_TYPES order. */
  readonly estimatedTokens: Array<CounterCell | undefined> = [undefined, undefined];
  cost: CounterCell | undefined;

  constructor(
    readonly model: string,
    readonly provider: string,
    /** `[client]` with client labels on, else empty. */
    readonly client: readonly string[],
  ) {}
}

/** The cells of one upstream target and outcome. */
class AttemptCells {
  attempts: CounterCell | undefined;
  duration: HistogramCell | undefined;

  constructor(
    readonly provider: string,
    readonly upstreamModel: string,
    readonly outcome: string,
  ) {}
}

/**
 * The series fed by each request's telemetry record once its response has closed. A request costs one lookup of
 * the cells its kind of request counts into and a few additions to them; prom-client reads the totals only when
 * `/metrics` is scraped (see counter-cells.ts and histogram-cells.ts).
 */
export class RequestMetrics {
  private known: KnownNames = {
    models: new Set(),
    providers: new Set(),
    upstreamModels: new Set(),
    clients: new Set(),
  };
  private readonly requests: CellCounter;
  private readonly duration: CellHistogram;
  private readonly ttft: CellHistogram;
  private readonly attempts: CellCounter;
  private readonly attemptDuration: CellHistogram;
  private readonly tokens: CellCounter;
  private readonly estimatedTokens: CellCounter;
  private readonly cost: CellCounter;
  /** By their label values; bounded like the series (every value is a configured name or a fixed word). */
  private requestCells = new PathMap<RequestCells>();
  private attemptCells = new PathMap<AttemptCells>();

  constructor(
    registry: Registry,
    private readonly clientLabels: boolean,
  ) {
    const client = clientLabels ? ['client'] : [];
    this.requests = new CellCounter(registry, {
      name: 'amg_requests_total',
      help: 'Client requests by model, provider, route mode, entry point and status class.',
      labelNames: ['model', 'provider', 'route_mode', 'entry_point', 'status_class', ...client],
    });
    this.duration = new CellHistogram(registry, {
      name: 'amg_request_duration_seconds',
      help: 'Time from a request arriving to its response closing.',
      labelNames: ['model', 'provider', 'entry_point', 'stream'],
      buckets: LLM_SECONDS_BUCKETS,
    });
    this.ttft = new CellHistogram(registry, {
      name: 'amg_time_to_first_token_seconds',
      help: 'Time from a streamed request arriving to its first byte sent to the client.',
      labelNames: ['model', 'provider', 'entry_point'],
      buckets: LLM_SECONDS_BUCKETS,
    });
    this.attempts = new CellCounter(registry, {
      name: 'amg_upstream_attempts_total',
      help: 'Upstream attempts (retries and fallbacks included) by target and outcome (success or the error class).',
      labelNames: ['provider', 'upstream_model', 'outcome'],
    });
    this.attemptDuration = new CellHistogram(registry, {
      name: 'amg_upstream_attempt_duration_seconds',
      help: 'Time an upstream attempt took: to the response head for answers, the whole attempt for failures.',
      labelNames: ['provider', 'upstream_model'],
      buckets: LLM_SECONDS_BUCKETS,
    });
    this.tokens = new CellCounter(registry, {
      name: 'amg_tokens_total',
      help:
        'Tokens billed, by type (input includes cached and cache_write): as the provider reported them, or the ' +
        "gateway's estimate for a request the client left before the usage came (amg_tokens_estimated_total).",
      labelNames: ['model', 'provider', 'type', ...client],
    });
    this.estimatedTokens = new CellCounter(registry, {
      name: 'amg_tokens_estimated_total',
      help:
        "The part of amg_tokens_total the gateway estimated (input, output): the client left before the provider's " +
        'usage came.',
      labelNames: ['model', 'provider', 'type', ...client],
    });
    this.cost = new CellCounter(registry, {
      name: 'amg_cost_usd_total',
      help: 'Cost in USD at the configured prices of the serving target.',
      labelNames: ['model', 'provider', ...client],
    });
  }

  setKnown(known: KnownNames): void {
    this.known = known;
    // The series themselves stay (counters never go back); only the lookups of names that may be gone are dropped.
    this.requestCells = new PathMap();
    this.attemptCells = new PathMap();
  }

  observe(record: RequestRecord): void {
    const cells = this.cellsOf(record);
    const { model, provider, client } = cells;
    const entryPoint = record.entryPoint;
    cells.requests ??= this.requests.cell([
      model,
      provider,
      record.routeMode,
      entryPoint,
      statusClass(record.status),
      ...client,
    ]);
    cells.requests.inc(1);
    cells.duration ??= this.duration.cell([model, provider, entryPoint, String(record.stream)]);
    cells.duration.observe(record.latencyMs / 1000);
    if (record.stream && record.ttfbMs !== null && firstTokenSent(record)) {
      cells.ttft ??= this.ttft.cell([model, provider, entryPoint]);
      cells.ttft.observe(record.ttfbMs / 1000);
    }
    for (const attempt of record.attempts) this.observeAttempt(attempt);
    this.observeUsage(record, cells);
  }

  private cellsOf(record: RequestRecord): RequestCells {
    const known = this.known;
    const model = boundedName(record.requestedModel, known.models);
    const provider = boundedName(record.provider ?? record.attempts.at(-1)?.provider ?? null, known.providers);
    const client = this.clientLabels ? boundedName(record.client, known.clients) : '';
    const status = statusClass(record.status);
    const path = [
      model,
      provider,
      record.entryPoint,
      record.routeMode,
      status,
      record.stream ? 'true' : 'false',
      client,
    ];
    let cells = this.requestCells.get(path);
    if (cells === undefined) {
      cells = new RequestCells(model, provider, this.clientLabels ? [client] : []);
      this.requestCells.set(path, cells);
    }
    return cells;
  }

  private observeAttempt(attempt: AttemptRecord): void {
    const provider = boundedName(attempt.provider, this.known.providers);
    const upstreamModel = boundedName(attempt.model, this.known.upstreamModels);
    const outcome =
      attempt.status > 0 && attempt.status < 400 && !attempt.errorClass
        ? 'success'
        : (attempt.errorClass ?? statusClass(attempt.status));
    const path = [provider, upstreamModel, outcome];
    let cells = this.attemptCells.get(path);
    if (cells === undefined) {
      cells = new AttemptCells(provider, upstreamModel, outcome);
      this.attemptCells.set(path, cells);
    }
    cells.attempts ??= this.attempts.cell([provider, upstreamModel, outcome]);
    cells.attempts.inc(1);
    cells.duration ??= this.attemptDuration.cell([provider, upstreamModel]);
    cells.duration.observe(attempt.latencyMs / 1000);
  }

  private observeUsage(record: RequestRecord, cells: RequestCells): void {
    // In TOKEN_TYPES order; no array of the counts, the few that are set are counted.
    if (record.inputTokens) this.countTokens(cells, 0, record.inputTokens);
    if (record.outputTokens) this.countTokens(cells, 1, record.outputTokens);
    if (record.cachedTokens) this.countTokens(cells, 2, record.cachedTokens);
    if (record.cacheWriteTokens) this.countTokens(cells, 3, record.cacheWriteTokens);
    if (record.reasoningTokens) this.countTokens(cells, 4, record.reasoningTokens);
    if (record.usageEstimated === true) {
      if (record.inputTokens) this.countEstimated(cells, 0, record.inputTokens);
      if (record.outputTokens) this.countEstimated(cells, 1, record.outputTokens);
    }
    if (record.costUsd) {
      cells.cost ??= this.cost.cell([cells.model, cells.provider, ...cells.client]);
      cells.cost.inc(record.costUsd);
    }
  }

  private countTokens(cells: RequestCells, type: number, count: number): void {
    countInto(this.tokens, cells.tokens, cells, type, count);
  }

  private countEstimated(cells: RequestCells, type: 0 | 1, count: number): void {
    countInto(this.estimatedTokens, cells.estimatedTokens, cells, type, count);
  }
}

/** Adds `count` tokens of TOKEN_TYPES[type] to the request cells' slot of `counter`, resolving it the first time. */
function countInto(
  counter: CellCounter,
  slots: Array<CounterCell | undefined>,
  cells: RequestCells,
  type: number,
  count: number,
): void {
  let cell = slots[type];
  if (cell === undefined) {
    cell = counter.cell([cells.model, cells.provider, TOKEN_TYPES[type] as string, ...cells.client]);
    slots[type] = cell;
  }
  cell.inc(count);
}

/** The status of a request whose client went away (the record's status for GW_ERR_CLIENT_CLOSED). */
const CLIENT_CLOSED_STATUS = 499;

/**
 * Whether the first byte sent was an answer's: a successful response, or one the client left after it had
 * started (a user who stops a stream after its first words did get them). An upstream's error body is not one.
 */
function firstTokenSent(record: RequestRecord): boolean {
  if (record.status < 400) return true;
  if (record.status !== CLIENT_CLOSED_STATUS) return false;
  const answering = record.attempts.at(-1);
  return answering !== undefined && answering.status >= 200 && answering.status < 300 && !answering.errorClass;
}
