import type { IncomingHttpHeaders } from 'node:http';
import {
  type Attributes,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import type { AttemptRecord, RequestRecord } from '../request-record.js';
import { CapturedContent } from './captured-content.js';
import { EncodingSpanQueue } from './encoding-span-queue.js';
import { operationName, serverEndAttributes } from './gen-ai-attributes.js';
import { protobufTraceExporter } from './otlp-exporter.js';
import { PooledIdGenerator } from './pooled-id-generator.js';
import { RecordedSpan, type Scope } from './recorded-span.js';
import type { AttemptTarget, RequestTracer, ServerSpan } from './request-tracer.js';
import type { TracingSettings } from './tracing-settings.js';

const propagator = new W3CTraceContextPropagator();

/**
 * Epoch milliseconds (fractional) from the monotonic clock. Every span time is given from this one clock, so
 * an attempt's span ends within its request's and failed attempts can end at the time they took.
 */
function now(): number {
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

interface OpenAttempt {
  span: RecordedSpan;
  startedAt: number;
  target: AttemptTarget;
  /** When the next attempt started: this one was over by then. */
  overBy?: number;
}

/** What a request's spans are made from and handed to once they end. */
interface SpanSink {
  readonly resource: Resource;
  readonly scope: Scope;
  newSpanId(): string;
  record(span: RecordedSpan): void;
}

const NO_HEADERS: Readonly<Record<string, string>> = {};

/**
 * `headers` and the W3C trace headers an upstream request carries for the attempt's span (`spanId`).
 *
 * The copy is made by Object.assign, not spread: V8 (11.3, Node 20) stores a property added to an object made by
 * `{ ...headers }` (or `{ ...headers, traceparent }`) through its runtime on every call, ~1.8 µs a copy against
 * ~35 ns for Object.assign (bench/tracer-headers.mjs); in a serving gateway this copy was 1.8 µs a request.
 */
function traceHeaders(
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

/** One sampled request's server span and the client spans of its upstream attempts. */
class OtelServerSpan implements ServerSpan {
  /** Open attempts by attempt index: the router numbers attempts in the order it starts them. */
  private readonly attempts: (OpenAttempt | undefined)[] = [];
  private answering: OpenAttempt | undefined;
  /**
   * The server span until it ends. What refers to this object (the request's exchange) can outlive the request
   * by a young-generation collection or two; dropping the spans at `end` keeps them, their attributes and ids
   * from being promoted with it.
   */
  private span: RecordedSpan | undefined;
  /** The server span's context: the parent of every attempt's span. */
  private readonly context: SpanContext;

  constructor(
    private readonly sink: SpanSink,
    span: RecordedSpan,
    private readonly operation: string | undefined,
    private readonly traceState: string | undefined,
    /** Dropped at `end`, as the spans are (it holds the request's prompt until then). */
    public content: CapturedContent | undefined,
  ) {
    this.span = span;
    this.context = span.spanContext();
  }

  startAttempt(
    target: AttemptTarget,
    attemptIndex: number,
    headers?: Readonly<Record<string, string>>,
  ): Record<string, string> {
    const attributes: Attributes = {
      'gen_ai.provider.name': target.providerType,
      'gen_ai.request.model': target.model,
      'amg.provider': target.provider,
      'amg.attempt': attemptIndex + 1,
      'server.address': hostOf(target.origin),
    };
    if (this.operation) attributes['gen_ai.operation.name'] = this.operation;
    const startedAt = now();
    // The router measures an attempt from before its request is built; ending a span at start + latency could
    // then overlap the next attempt, which cannot begin before this one ended.
    const attempts = this.attempts;
    for (let index = 0; index < attempts.length; index++) {
      const open = attempts[index];
      if (open !== undefined) open.overBy ??= startedAt;
    }
    const parent = this.context;
    const context: SpanContext = {
      traceId: parent.traceId,
      spanId: this.sink.newSpanId(),
      traceFlags: TraceFlags.SAMPLED,
      traceState: parent.traceState,
    };
    const { resource, scope } = this.sink;
    const name = `${this.operation ?? 'call'} ${target.model}`;
    const span = new RecordedSpan(name, SpanKind.CLIENT, context, parent, attributes, startedAt, resource, scope);
    attempts[attemptIndex] = { span, startedAt, target };
    return traceHeaders(context.traceId, context.spanId, true, this.traceState, headers);
  }

  settleAttempts(records: readonly AttemptRecord[]): void {
    const attempts = this.attempts;
    for (let index = 0; index < attempts.length; index++) {
      const open = attempts[index];
      if (open === undefined) continue;
      const record = records[index];
      attempts[index] = undefined;
      if (record && !record.errorClass && record.status > 0 && record.status < 400) {
        // The answer is still being relayed: its span ends with the response.
        open.span.attributes['http.response.status_code'] = record.status;
        this.answering = open;
        continue;
      }
      this.endAttempt(open, record);
    }
  }

  end(record: RequestRecord): void {
    const span = this.span;
    if (span === undefined) return;
    this.span = undefined;
    const ended = now();
    this.settleAttempts(record.attempts);
    const answering = this.answering;
    this.answering = undefined;
    const content = this.content;
    this.content = undefined;
    if (answering) {
      const attributes = answering.span.attributes;
      if (record.outputTokens !== null) attributes['gen_ai.usage.output_tokens'] = record.outputTokens;
      if (record.inputTokens !== null) attributes['gen_ai.usage.input_tokens'] = record.inputTokens;
      attributes['gen_ai.response.model'] = answering.target.model;
      this.finish(answering.span, ended);
    }
    serverEndAttributes(record, answering?.target.providerType, span.attributes);
    if (content) Object.assign(span.attributes, content.finish(record));
    if (record.status >= 500 || record.status === 0) span.status = { code: SpanStatusCode.ERROR };
    this.finish(span, ended);
  }

  private endAttempt(open: OpenAttempt, record: AttemptRecord | undefined): void {
    if (!record) {
      this.finish(open.span, now());
      return;
    }
    const attributes = open.span.attributes;
    if (record.status > 0) attributes['http.response.status_code'] = record.status;
    if (record.errorClass) {
      attributes['error.type'] = record.errorClass;
      open.span.status = { code: SpanStatusCode.ERROR, message: record.error ?? record.errorClass };
    }
    this.finish(open.span, Math.min(open.startedAt + record.latencyMs, open.overBy ?? Number.POSITIVE_INFINITY));
  }

  private finish(span: RecordedSpan, endMs: number): void {
    if (span.finish(endMs)) this.sink.record(span);
  }
}

/**
 * An unsampled request: nothing is recorded, but each upstream still gets a trace context of its own (a new span
 * id under the request's trace, not sampled), as the caller's downstream sampling decision says.
 */
class UnsampledServerSpan implements ServerSpan {
  readonly content = undefined;

  constructor(
    private readonly sink: SpanSink,
    private readonly context: SpanContext,
    private readonly traceState: string | undefined,
  ) {}

  startAttempt(_target: AttemptTarget, _attemptIndex: number, headers?: Readonly<Record<string, string>>) {
    const { traceId, traceFlags } = this.context;
    const sampled = (traceFlags & TraceFlags.SAMPLED) !== 0;
    return traceHeaders(traceId, this.sink.newSpanId(), sampled, this.traceState, headers);
  }

  settleAttempts(): void {}

  end(): void {}
}

/** The caller's trace context from a `traceparent` (and `tracestate`) header, when one is valid. */
function remoteParent(headers: IncomingHttpHeaders): SpanContext | undefined {
  if (headers.traceparent === undefined) return undefined;
  const parent = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter));
  return parent && trace.isSpanContextValid(parent) ? parent : undefined;
}

/**
 * Batching for a gateway at thousands of requests a second, two or more spans each. The SDK's defaults (a
 * 2,048-span queue, 512 per export) drop about half the spans at ratio 1 on one core (measured with
 * bench/observability-cost.mjs); a deeper queue and larger batches keep them, in fewer exports.
 */
const BATCHING = { maxQueueSize: 32_768, maxExportBatchSize: 4_096, scheduledDelayMillis: 1_000 };

/** Where finished spans go: batched, encoded and exported off the request path. */
interface SpanQueue {
  /** The SDK's batch processor behind the JSON queue (bench/tracer-work.mjs swaps its exporter). */
  readonly processor?: BatchSpanProcessor;
  record(span: RecordedSpan): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** OTLP/HTTP JSON: the SDK's batch processor and the official JSON exporter. */
function jsonQueue(config: { url: string; headers: Record<string, string> }): SpanQueue {
  const processor = new BatchSpanProcessor(new JsonTraceExporter(config), BATCHING);
  return {
    processor,
    record: (span) => processor.onEnd(span),
    forceFlush: () => processor.forceFlush(),
    shutdown: () => processor.shutdown(),
  };
}

/**
 * Traces requests as OpenTelemetry spans, exported in batches over OTLP/HTTP off the request path. Sampling
 * (parent-based, trace-id ratio for new traces), ids, the OTLP transport and the JSON encoding and batching are
 * the official SDK and exporter packages; the spans themselves are recorded by the gateway (see RecordedSpan),
 * and for OTLP protobuf (the default) encoded as each ends and batched as bytes (see EncodingSpanQueue).
 */
export class OtelRequestTracer implements RequestTracer, SpanSink {
  readonly resource: Resource;
  readonly scope: Scope;
  /** Public for bench/tracer-work.mjs, which counts the queue's work without the HTTP export. */
  readonly queue: SpanQueue;
  private readonly ids = new PooledIdGenerator();
  /** Undefined at ratio 1, where the SDK's sampler samples every valid trace id (and ours are valid). */
  private readonly sampler: TraceIdRatioBasedSampler | undefined;
  private readonly contentMaxBytes: number | undefined;

  constructor(settings: TracingSettings, service: { name: string; version: string }) {
    this.contentMaxBytes = settings.content?.maxBytes;
    const config = { url: settings.url, headers: settings.headers };
    this.resource = resourceFromAttributes({
      'service.name': service.name,
      'service.version': service.version,
      ...settings.resource,
    });
    this.scope = { name: service.name, version: service.version };
    this.sampler = settings.sampleRatio >= 1 ? undefined : new TraceIdRatioBasedSampler(settings.sampleRatio);
    this.queue =
      settings.protocol === 'http/protobuf'
        ? new EncodingSpanQueue(protobufTraceExporter(config), this.resource, this.scope, BATCHING)
        : jsonQueue(config);
  }

  newSpanId(): string {
    return this.ids.generateSpanId();
  }

  record(span: RecordedSpan): void {
    this.queue.record(span);
  }

  startRequest(request: {
    method: string;
    path: string;
    entryPoint: RequestRecord['entryPoint'];
    headers: IncomingHttpHeaders;
  }): ServerSpan {
    const parent = remoteParent(request.headers);
    const traceId = parent?.traceId ?? this.ids.generateTraceId();
    const traceState = parent?.traceState?.serialize();
    // Parent-based: a caller's sampled flag decides; a new trace is sampled by its id at the configured ratio.
    const sampled = parent
      ? (parent.traceFlags & TraceFlags.SAMPLED) !== 0
      : this.sampler === undefined ||
        this.sampler.shouldSample(ROOT_CONTEXT, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED;
    const context: SpanContext = {
      traceId,
      spanId: this.ids.generateSpanId(),
      traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
      traceState: parent?.traceState,
    };
    if (!sampled) return new UnsampledServerSpan(this, context, traceState);
    const operation = operationName(request.entryPoint);
    const attributes: Attributes = { 'http.request.method': request.method, 'url.path': request.path };
    if (operation) attributes['gen_ai.operation.name'] = operation;
    const name = `${request.method} ${request.path}`;
    const span = new RecordedSpan(name, SpanKind.SERVER, context, parent, attributes, now(), this.resource, this.scope);
    // Content is collected only for spans that will be exported: an unsampled request keeps nothing.
    const content =
      this.contentMaxBytes !== undefined ? new CapturedContent(request.entryPoint, this.contentMaxBytes) : undefined;
    return new OtelServerSpan(this, span, operation, traceState, content);
  }

  /** Exports the spans still buffered. */
  flush(): Promise<void> {
    return this.queue.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.queue.shutdown();
  }
}
