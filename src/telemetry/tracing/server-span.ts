import { type AttributeValue, type SpanContext, SpanKind, type SpanStatus, SpanStatusCode } from '@opentelemetry/api';
import type { AttemptRecord, RequestRecord } from '../request-record.js';
import type { CapturedContent } from './captured-content.js';
import { estimatedUsage, keys, serverEndAttributes } from './gen-ai-attributes.js';
import { type AttributeKey, AttributeRun, AttributeSet } from './otlp-span-encoder.js';
import type { AttemptTarget, ServerSpan } from './request-tracer.js';
import type { IdBytes, SpanWriter } from './span-writer.js';

/**
 * Epoch milliseconds (fractional) from the monotonic clock. Every span time is given from this one clock, so
 * an attempt's span ends within its request's and failed attempts can end at the time they took.
 */
export function now(): number {
  return TIME_ORIGIN + performance.now();
}

/** `performance.timeOrigin` is fixed for the process; reading it is a getter call each time. */
const TIME_ORIGIN = performance.timeOrigin;

const hosts = new Map<string, string>();

/** The host of a provider origin, parsed once per origin rather than once per attempt. */
function hostOf(origin: string): string {
  let host = hosts.get(origin);
  if (host === undefined) {
    host = new URL(origin).hostname;
    if (hosts.size < 1_000) hosts.set(origin, host);
  }
  return host;
}

/** Values made at most per cache, beyond which one is made per span (paths and models come from the config). */
const MAX_MADE = 1_000;

/**
 * What a span takes from a pair of strings that repeat from request to request (method and route template,
 * operation and model), made once per pair: a span name from a template literal is a concatenation per span,
 * flattened into a second string when the encoder reads its characters.
 */
class PairCache<T> {
  private readonly byFirst = new Map<string, Map<string, T>>();
  private made = 0;

  constructor(private readonly make: (first: string, second: string) => T) {}

  get(first: string, second: string): T {
    let bySecond = this.byFirst.get(first);
    if (bySecond === undefined) {
      bySecond = new Map();
      this.byFirst.set(first, bySecond);
    }
    let value = bySecond.get(second);
    if (value === undefined) {
      value = this.make(first, second);
      if (this.made < MAX_MADE) {
        this.made++;
        bySecond.set(second, value);
      }
    }
    return value;
  }
}

/** An attempt span's name: `${operation} ${model}`. */
const attemptNames = new PairCache((operation, model) => `${operation} ${model}`);

/** A server span's name and its route's attributes (method, template, operation: see `routeRun`). */
interface RouteSpan {
  readonly name: string;
  readonly run: AttributeRun;
}

function routeRun(method: string, route: string, operation: string | undefined): AttributeRun {
  const entries: [AttributeKey, AttributeValue][] = [
    [keys.httpMethod, method],
    [keys.httpRoute, route],
  ];
  if (operation) entries.push([keys.operation, operation]);
  return new AttributeRun(entries);
}

/** By method and route template, then operation (a route's entry point has one; they are few in all). */
const routeSpans = new PairCache<{ name: string; runs: Map<string | undefined, RouteSpan> }>((method, route) => ({
  name: `${method} ${route}`,
  runs: new Map(),
}));

function routeSpan(method: string, route: string, operation: string | undefined): RouteSpan {
  const cached = routeSpans.get(method, route);
  let span = cached.runs.get(operation);
  if (span === undefined) {
    span = { name: cached.name, run: routeRun(method, route, operation) };
    // Operations are few (chat, embeddings, none): bounded by those.
    if (cached.runs.size < 4) cached.runs.set(operation, span);
  }
  return span;
}

/**
 * The attributes an attempt's span takes from its target (provider, its GenAI name, model, host) and the
 * request's operation, by target: a target object lives as long as its config snapshot (see proxy.ts).
 */
const targetRuns = new WeakMap<AttemptTarget, Map<string | undefined, AttributeRun>>();

function targetRun(target: AttemptTarget, operation: string | undefined): AttributeRun {
  let byOperation = targetRuns.get(target);
  if (byOperation === undefined) {
    byOperation = new Map();
    targetRuns.set(target, byOperation);
  }
  let run = byOperation.get(operation);
  if (run === undefined) {
    const entries: [AttributeKey, AttributeValue][] = [
      [keys.providerName, target.providerType],
      [keys.requestModel, target.model],
      [keys.provider, target.provider],
      [keys.serverAddress, hostOf(target.origin)],
    ];
    if (operation) entries.push([keys.operation, operation]);
    run = new AttributeRun(entries);
    if (byOperation.size < 4) byOperation.set(operation, run);
  }
  return run;
}

/**
 * What an attempt's span says once it is over and repeats from request to request as a combination (its number,
 * status, model, usage estimated, error), kept encoded together (see AttributeSet).
 */
const attemptEndSet = new AttributeSet([
  keys.attempt,
  keys.statusCode,
  keys.responseModel,
  keys.usageEstimated,
  keys.errorType,
]);

/** The values of `attemptEndSet` for the span being ended, filled in place. */
const attemptEndValues: (AttributeValue | undefined)[] = new Array(attemptEndSet.keys.length).fill(undefined);

/** An attempt span's `attemptEndSet` attributes (undefined: absent); `index` counts from 0. */
function attemptEnd(
  out: SpanWriter,
  index: number,
  status: number | undefined,
  model: string | undefined,
  estimated: true | undefined,
  errorType: string | undefined,
): void {
  const values = attemptEndValues;
  values[0] = index + 1;
  values[1] = status;
  values[2] = model;
  values[3] = estimated;
  values[4] = errorType;
  out.attributeSet(attemptEndSet, values);
}

/** Where a request's span ids come from and its spans go once they end. */
export interface SpanSink {
  readonly writer: SpanWriter;
  newSpanId(): string;
  /** The id `newSpanId` made last, as bytes: `lastIdBytes` from `lastIdAt` (read right after it). */
  readonly lastIdBytes: Uint8Array;
  readonly lastIdAt: number;
}

/** The ids of the span being begun as bytes, filled before each `beginSpan` (it reads them there and then). */
const spanIds: IdBytes = {
  trace: undefined,
  traceAt: 0,
  span: undefined,
  spanAt: 0,
  parent: undefined,
  parentAt: 0,
};

const UNSET: SpanStatus = { code: SpanStatusCode.UNSET };
const SERVER_ERROR: SpanStatus = { code: SpanStatusCode.ERROR };

/** An upstream attempt until its span is made: plain values, no span object. */
interface OpenAttempt {
  readonly spanId: string;
  /** The span id's bytes: `spanBytes` from `spanAt`. */
  readonly spanBytes: Uint8Array;
  readonly spanAt: number;
  readonly startedAt: number;
  readonly target: AttemptTarget;
  readonly index: number;
  /** When the next attempt started: this one was over by then. */
  overBy: number | undefined;
  /** The answering attempt's status, set when routing settled on it. */
  status: number;
}

const NO_HEADERS: Readonly<Record<string, string>> = {};

/**
 * `headers` and the W3C trace headers an upstream request carries for the attempt's span (`spanId`).
 *
 * The copy is made by Object.assign, not spread: V8 (11.3, Node 20) stores a property added to an object made by
 * `{ ...headers }` (or `{ ...headers, traceparent }`) through its runtime on every call, ~1.8 µs a copy against
 * ~35 ns for Object.assign (bench/tracer-headers.mjs); in a serving gateway this copy was 1.8 µs a request.
 */
export function traceHeaders(
  traceId: string,
  spanId: string,
  sampled: boolean,
  traceState: string | undefined,
  headers: Readonly<Record<string, string>> = NO_HEADERS,
): Record<string, string> {
  const sent: Record<string, string> = Object.assign({}, headers);
  sent.traceparent = `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
  if (traceState) sent.tracestate = traceState;
  return sent;
}

/**
 * One sampled request's server span and the client spans of its upstream attempts.
 *
 * While the request is in flight only plain values are kept (ids, start times, targets); each span is written
 * field by field to the sink's SpanWriter when it ends (for OTLP protobuf straight into the batch being
 * encoded), so no span object, context or attribute map is made. A request in flight lives through one or more
 * young-generation collections of a serving gateway (a stream through more); whatever it holds is copied at
 * each and, after two, promoted and later collected by a full mark-compact.
 */
export class OtelServerSpan implements ServerSpan {
  /**
   * Open attempts by attempt index: the router numbers attempts in the order it starts them. The first is
   * stored as a one-element array (an empty one grows to 16 slots at its first store).
   */
  private attempts: (OpenAttempt | undefined)[] | undefined;
  private answering: OpenAttempt | undefined;
  private readonly startedAt = now();
  private ended = false;

  constructor(
    private readonly sink: SpanSink,
    private readonly traceId: string,
    private readonly spanId: string,
    /** The ids as bytes (`traceBytes` undefined for a caller's trace id): see SpanSink.lastIdBytes. */
    private readonly traceBytes: Uint8Array | undefined,
    private readonly traceAt: number,
    private readonly spanBytes: Uint8Array,
    private readonly spanAt: number,
    /** The caller's context, when a valid `traceparent` came with the request. */
    private readonly parent: SpanContext | undefined,
    /** The caller's `tracestate`, serialised once for every upstream request. */
    private readonly traceState: string | undefined,
    private readonly method: string,
    private readonly path: string,
    /** The path template: the span's name and `http.route` (no ids in span names). */
    private readonly route: string,
    private readonly operation: string | undefined,
    /** Dropped at `end` (it holds the request's prompt until then). */
    public content: CapturedContent | undefined,
  ) {}

  startAttempt(
    target: AttemptTarget,
    attemptIndex: number,
    headers?: Readonly<Record<string, string>>,
  ): Record<string, string> {
    const startedAt = now();
    const sink = this.sink;
    const spanId = sink.newSpanId();
    const open: OpenAttempt = {
      spanId,
      spanBytes: sink.lastIdBytes,
      spanAt: sink.lastIdAt,
      startedAt,
      target,
      index: attemptIndex,
      overBy: undefined,
      status: 0,
    };
    const attempts = this.attempts;
    if (attempts === undefined && attemptIndex === 0) {
      this.attempts = [open];
    } else {
      const list = attempts ?? [];
      this.attempts = list;
      // The router measures an attempt from before its request is built; ending a span at start + latency could
      // then overlap the next attempt, which cannot begin before this one ended.
      for (let index = 0; index < list.length; index++) {
        const earlier = list[index];
        if (earlier !== undefined && earlier.overBy === undefined) earlier.overBy = startedAt;
      }
      list[attemptIndex] = open;
    }
    return traceHeaders(this.traceId, spanId, true, this.traceState, headers);
  }

  settleAttempts(records: readonly AttemptRecord[]): void {
    const attempts = this.attempts;
    if (attempts === undefined) return;
    for (let index = 0; index < attempts.length; index++) {
      const open = attempts[index];
      if (open === undefined) continue;
      const record = records[index];
      attempts[index] = undefined;
      if (record && !record.errorClass && record.status > 0 && record.status < 400) {
        // The answer is still being relayed: its span ends with the response.
        open.status = record.status;
        this.answering = open;
        continue;
      }
      this.endAttempt(open, record);
    }
  }

  end(record: RequestRecord): void {
    if (this.ended) return;
    this.ended = true;
    const ended = now();
    this.settleAttempts(record.attempts);
    const answering = this.answering;
    this.answering = undefined;
    const content = this.content;
    this.content = undefined;
    const out = this.sink.writer;
    if (answering) {
      this.beginAttempt(answering, ended);
      // The upstream broke its stream after its 2xx head (the record's attempt says so once the relay ended).
      const broke = record.attempts[answering.index]?.errorClass;
      attemptEnd(
        out,
        answering.index,
        answering.status,
        answering.target.model,
        estimatedUsage(record),
        broke || undefined,
      );
      if (record.outputTokens !== null) out.attribute(keys.outputTokens, record.outputTokens);
      if (record.inputTokens !== null) out.attribute(keys.inputTokens, record.inputTokens);
      out.endSpan(
        broke ? { code: SpanStatusCode.ERROR, message: record.attempts[answering.index]?.error ?? broke } : UNSET,
      );
    }
    const { method, path, route, operation, parent } = this;
    const { name, run } = routeSpan(method, route, operation);
    const ids = this.idsOf(this.spanBytes, this.spanAt);
    out.beginSpan(
      this.traceId,
      this.spanId,
      parent?.traceState,
      parent?.spanId,
      parent?.isRemote === true,
      name,
      SpanKind.SERVER,
      this.startedAt,
      ended,
      ids,
    );
    out.attributeRun(run);
    serverEndAttributes(record, path, answering?.target.providerType, out);
    if (content) out.attributes(content.finish(record));
    out.endSpan(serverFailed(record) ? SERVER_ERROR : UNSET);
  }

  private endAttempt(open: OpenAttempt, record: AttemptRecord | undefined): void {
    const out = this.sink.writer;
    if (!record) {
      this.beginAttempt(open, now());
      attemptEnd(out, open.index, undefined, undefined, undefined, undefined);
      out.endSpan(UNSET);
      return;
    }
    this.beginAttempt(open, Math.min(open.startedAt + record.latencyMs, open.overBy ?? Number.POSITIVE_INFINITY));
    const status = record.status > 0 ? record.status : undefined;
    attemptEnd(out, open.index, status, undefined, undefined, record.errorClass || undefined);
    out.endSpan(record.errorClass ? { code: SpanStatusCode.ERROR, message: record.error ?? record.errorClass } : UNSET);
  }

  /** `spanIds` for a span of this request (`spanBytes` from `spanAt`), a child of the server span if `child`. */
  private idsOf(spanBytes: Uint8Array, spanAt: number, child = false): IdBytes {
    const ids = spanIds;
    ids.trace = this.traceBytes;
    ids.traceAt = this.traceAt;
    ids.span = spanBytes;
    ids.spanAt = spanAt;
    ids.parent = child ? this.spanBytes : undefined;
    ids.parentAt = this.spanAt;
    return ids;
  }

  /** Begins an attempt's span, child of the server span, with what it says from its start. */
  private beginAttempt(open: OpenAttempt, endMs: number): void {
    const out = this.sink.writer;
    const { target } = open;
    const operation = this.operation;
    const name = attemptNames.get(operation ?? 'call', target.model);
    const traceState = this.parent?.traceState;
    out.beginSpan(
      this.traceId,
      open.spanId,
      traceState,
      this.spanId,
      false,
      name,
      SpanKind.CLIENT,
      open.startedAt,
      endMs,
      this.idsOf(open.spanBytes, open.spanAt, true),
    );
    out.attributeRun(targetRun(target, operation));
  }
}

/**
 * An unsampled request: nothing is recorded, but each upstream still gets a trace context of its own (a new span
 * id under the request's trace, not sampled), as the caller's downstream sampling decision says.
 */
export class UnsampledServerSpan implements ServerSpan {
  readonly content = undefined;

  constructor(
    private readonly sink: SpanSink,
    private readonly traceId: string,
    private readonly traceState: string | undefined,
  ) {}

  startAttempt(_target: AttemptTarget, _attemptIndex: number, headers?: Readonly<Record<string, string>>) {
    return traceHeaders(this.traceId, this.sink.newSpanId(), false, this.traceState, headers);
  }

  settleAttempts(): void {}

  end(): void {}
}

/**
 * A server span's error status (HTTP semantic conventions): a 5xx, no answer at all, or a 2xx response that
 * failed after its head (a broken stream, the gateway's own fault). 4xx, a client hang-up (499) included, is the
 * client's and stays unset.
 */
function serverFailed(record: RequestRecord): boolean {
  if (record.status >= 500 || record.status === 0) return true;
  return record.status < 400 && record.errorCode !== null;
}
