import type { IncomingHttpHeaders } from 'node:http';
import {
  type Attributes,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { AttemptRecord, RequestRecord } from '../request-record.js';
import { operationName, serverEndAttributes } from './gen-ai-attributes.js';
import type { AttemptTarget, RequestTracer, ServerSpan, SpanContent } from './request-tracer.js';
import { inputContent, outputContent } from './span-content.js';
import type { TracingSettings } from './tracing-settings.js';

const propagator = new W3CTraceContextPropagator();

/**
 * Epoch milliseconds (fractional) from the monotonic clock. Every span time is given from this one clock, so
 * an attempt's span ends within its request's and failed attempts can end at the time they took.
 */
function now(): number {
  return performance.timeOrigin + performance.now();
}

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
  span: Span;
  startedAt: number;
  target: AttemptTarget;
  /** When the next attempt started: this one was over by then. */
  overBy?: number;
}

/**
 * Room for the response bytes a completion is rebuilt from; beyond it the rest is not kept. A stream's framing
 * outweighs its text many times over (~200 bytes of JSON per few characters of a chat chunk), so the bound is
 * on the bytes sent, not on the content attribute's size.
 */
const MAX_CAPTURED_BYTES = 1024 * 1024;

/** A request's prompt (set at once) and the response bytes as sent, kept up to a bound. */
class CapturedContent implements SpanContent {
  attributes: Attributes = {};
  private readonly chunks: Buffer[] = [];
  private bytes = 0;

  constructor(
    private readonly entryPoint: RequestRecord['entryPoint'],
    readonly maxBytes: number,
  ) {}

  input(body: Record<string, unknown>): void {
    this.attributes = inputContent(this.entryPoint, body, this.maxBytes);
  }

  output(chunk: Buffer | string): void {
    const limit = MAX_CAPTURED_BYTES;
    if (this.bytes >= limit) return;
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const kept = buffer.length > limit - this.bytes ? buffer.subarray(0, limit - this.bytes) : buffer;
    this.chunks.push(kept);
    this.bytes += kept.length;
  }

  /** The prompt, and for an answer that succeeded the completion rebuilt from what was sent. */
  finish(record: RequestRecord): Attributes {
    if (record.status < 200 || record.status >= 300 || this.bytes === 0) return this.attributes;
    const sent = Buffer.concat(this.chunks).toString('utf8');
    return { ...this.attributes, ...outputContent(this.entryPoint, sent, record.stream, this.maxBytes) };
  }
}

/** One request's server span and the client spans of its upstream attempts. */
class OtelServerSpan implements ServerSpan {
  private readonly attempts = new Map<number, OpenAttempt>();
  private answering: OpenAttempt | undefined;

  constructor(
    private readonly tracer: Tracer,
    private readonly span: Span,
    private readonly operation: string | undefined,
    readonly content: CapturedContent | undefined,
  ) {}

  startAttempt(target: AttemptTarget, attemptIndex: number): Record<string, string> {
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
    for (const open of this.attempts.values()) open.overBy ??= startedAt;
    const parent = trace.setSpan(ROOT_CONTEXT, this.span);
    const span = this.tracer.startSpan(
      `${this.operation ?? 'call'} ${target.model}`,
      { kind: SpanKind.CLIENT, attributes, startTime: startedAt },
      parent,
    );
    this.attempts.set(attemptIndex, { span, startedAt, target });
    const carrier: Record<string, string> = {};
    propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
    return carrier;
  }

  settleAttempts(records: readonly AttemptRecord[]): void {
    for (const [index, open] of this.attempts) {
      const record = records[index];
      this.attempts.delete(index);
      if (record && !record.errorClass && record.status > 0 && record.status < 400) {
        // The answer is still being relayed: its span ends with the response.
        open.span.setAttribute('http.response.status_code', record.status);
        this.answering = open;
        continue;
      }
      endAttempt(open, record);
    }
  }

  end(record: RequestRecord): void {
    const ended = now();
    this.settleAttempts(record.attempts);
    if (this.answering) {
      if (record.outputTokens !== null)
        this.answering.span.setAttribute('gen_ai.usage.output_tokens', record.outputTokens);
      if (record.inputTokens !== null)
        this.answering.span.setAttribute('gen_ai.usage.input_tokens', record.inputTokens);
      this.answering.span.setAttribute('gen_ai.response.model', this.answering.target.model);
      this.answering.span.end(ended);
    }
    const providerType = this.answering?.target.providerType;
    this.span.setAttributes(serverEndAttributes(record, providerType));
    if (this.content) this.span.setAttributes(this.content.finish(record));
    if (record.status >= 500 || record.status === 0) this.span.setStatus({ code: SpanStatusCode.ERROR });
    this.span.end(ended);
  }
}

function endAttempt(open: OpenAttempt, record: AttemptRecord | undefined): void {
  if (!record) {
    open.span.end();
    return;
  }
  if (record.status > 0) open.span.setAttribute('http.response.status_code', record.status);
  if (record.errorClass) {
    open.span.setAttribute('error.type', record.errorClass);
    open.span.setStatus({ code: SpanStatusCode.ERROR, message: record.error ?? record.errorClass });
  }
  open.span.end(Math.min(open.startedAt + record.latencyMs, open.overBy ?? Number.POSITIVE_INFINITY));
}

/**
 * Batching for a gateway at thousands of requests a second, two or more spans each. The SDK's defaults (a
 * 2,048-span queue, 512 per export) drop about half the spans at ratio 1 on one core (measured with
 * bench/observability-cost.mjs); a deeper queue and larger batches keep them, in fewer exports.
 */
const BATCHING = { maxQueueSize: 32_768, maxExportBatchSize: 4_096, scheduledDelayMillis: 1_000 };

/** Traces with the OpenTelemetry SDK, exported in batches over OTLP/HTTP (JSON) off the request path. */
export class OtelRequestTracer implements RequestTracer {
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly contentMaxBytes: number | undefined;

  constructor(settings: TracingSettings, service: { name: string; version: string }) {
    this.contentMaxBytes = settings.content?.maxBytes;
    const Exporter = settings.protocol === 'http/protobuf' ? ProtobufTraceExporter : JsonTraceExporter;
    const exporter = new Exporter({ url: settings.url, headers: settings.headers });
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service.name, 'service.version': service.version }),
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
      spanProcessors: [new BatchSpanProcessor(exporter, BATCHING)],
    });
    this.tracer = this.provider.getTracer(service.name, service.version);
  }

  startRequest(request: {
    method: string;
    path: string;
    entryPoint: RequestRecord['entryPoint'];
    headers: IncomingHttpHeaders;
  }): ServerSpan {
    const parent = propagator.extract(ROOT_CONTEXT, request.headers, defaultTextMapGetter);
    const operation = operationName(request.entryPoint);
    const attributes: Attributes = { 'http.request.method': request.method, 'url.path': request.path };
    if (operation) attributes['gen_ai.operation.name'] = operation;
    const span = this.tracer.startSpan(
      `${request.method} ${request.path}`,
      { kind: SpanKind.SERVER, attributes, startTime: now() },
      parent,
    );
    // Content is collected only for spans that will be exported: an unsampled request keeps nothing.
    const content =
      this.contentMaxBytes !== undefined && span.isRecording()
        ? new CapturedContent(request.entryPoint, this.contentMaxBytes)
        : undefined;
    return new OtelServerSpan(this.tracer, span, operation, content);
  }

  /** Exports the spans still buffered. */
  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}
