import { type Attributes, type SpanContext, SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { AttemptRecord, RequestRecord } from '../request-record.js';
import type { CapturedContent } from './captured-content.js';
import { serverEndAttributes } from './gen-ai-attributes.js';
import { RecordedSpan, type Scope } from './recorded-span.js';
import type { AttemptTarget, ServerSpan } from './request-tracer.js';

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

/** What a request's spans are made from and handed to once they end. */
export interface SpanSink {
  readonly resource: Resource;
  readonly scope: Scope;
  newSpanId(): string;
  record(span: RecordedSpan): void;
}

/** An upstream attempt until its span is made: plain values, no span object. */
interface OpenAttempt {
  readonly spanId: string;
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
 * While the request is in flight only plain values are kept (ids, start times, targets); the span objects, their
 * contexts and attribute maps are made when each span ends and handed straight to the queue, which encodes
 * them. A request in flight lives through one or more young-generation collections of a serving gateway (a
 * stream for longer); whatever it holds is copied at each and, after two, promoted and later collected by a
 * full mark-compact. Spans held from start to end were ~0.9 kB more surviving each collection per traced
 * request and 50% more mark-compacts (bench/tracing-gateway-cpu.mjs --gc); made at the end they die young.
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
    /** The caller's context, when a valid `traceparent` came with the request. */
    private readonly parent: SpanContext | undefined,
    /** The caller's `tracestate`, serialised once for every upstream request. */
    private readonly traceState: string | undefined,
    private readonly method: string,
    private readonly path: string,
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
    const spanId = this.sink.newSpanId();
    const open: OpenAttempt = { spanId, startedAt, target, index: attemptIndex, overBy: undefined, status: 0 };
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
    if (answering) {
      const attributes = this.attemptAttributes(answering);
      attributes['http.response.status_code'] = answering.status;
      if (record.outputTokens !== null) attributes['gen_ai.usage.output_tokens'] = record.outputTokens;
      if (record.inputTokens !== null) attributes['gen_ai.usage.input_tokens'] = record.inputTokens;
      attributes['gen_ai.response.model'] = answering.target.model;
      this.record(this.attemptSpan(answering, attributes), ended);
    }
    const { method, path, operation } = this;
    const attributes: Attributes = { 'http.request.method': method, 'url.path': path };
    if (operation) attributes['gen_ai.operation.name'] = operation;
    serverEndAttributes(record, answering?.target.providerType, attributes);
    if (content) Object.assign(attributes, content.finish(record));
    const { resource, scope } = this.sink;
    const span = new RecordedSpan(
      `${method} ${path}`,
      SpanKind.SERVER,
      this.context(),
      this.parent,
      attributes,
      this.startedAt,
      resource,
      scope,
    );
    if (record.status >= 500 || record.status === 0) span.status = { code: SpanStatusCode.ERROR };
    this.record(span, ended);
  }

  private endAttempt(open: OpenAttempt, record: AttemptRecord | undefined): void {
    const attributes = this.attemptAttributes(open);
    if (!record) {
      this.record(this.attemptSpan(open, attributes), now());
      return;
    }
    if (record.status > 0) attributes['http.response.status_code'] = record.status;
    if (record.errorClass) attributes['error.type'] = record.errorClass;
    const span = this.attemptSpan(open, attributes);
    if (record.errorClass) span.status = { code: SpanStatusCode.ERROR, message: record.error ?? record.errorClass };
    this.record(span, Math.min(open.startedAt + record.latencyMs, open.overBy ?? Number.POSITIVE_INFINITY));
  }

  /** What an attempt's span says from its start, in the order it has always been exported. */
  private attemptAttributes(open: OpenAttempt): Attributes {
    const { target } = open;
    const attributes: Attributes = {
      'gen_ai.provider.name': target.providerType,
      'gen_ai.request.model': target.model,
      'amg.provider': target.provider,
      'amg.attempt': open.index + 1,
      'server.address': hostOf(target.origin),
    };
    const operation = this.operation;
    if (operation) attributes['gen_ai.operation.name'] = operation;
    return attributes;
  }

  private attemptSpan(open: OpenAttempt, attributes: Attributes): RecordedSpan {
    const context: SpanContext = {
      traceId: this.traceId,
      spanId: open.spanId,
      traceFlags: TraceFlags.SAMPLED,
      traceState: this.parent?.traceState,
    };
    const { resource, scope } = this.sink;
    const name = `${this.operation ?? 'call'} ${open.target.model}`;
    return new RecordedSpan(
      name,
      SpanKind.CLIENT,
      context,
      this.context(),
      attributes,
      open.startedAt,
      resource,
      scope,
    );
  }

  /** The server span's context: the parent of every attempt's span. */
  private context(): SpanContext {
    return {
      traceId: this.traceId,
      spanId: this.spanId,
      traceFlags: TraceFlags.SAMPLED,
      traceState: this.parent?.traceState,
    };
  }

  private record(span: RecordedSpan, endMs: number): void {
    span.finish(endMs);
    this.sink.record(span);
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
