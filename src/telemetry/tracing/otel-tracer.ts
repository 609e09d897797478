import type { IncomingHttpHeaders } from 'node:http';
import { defaultTextMapGetter, ROOT_CONTEXT, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import type { RequestRecord } from '../request-record.js';
import { CapturedContent } from './captured-content.js';
import { EncodingSpanQueue } from './encoding-span-queue.js';
import { operationName } from './gen-ai-attributes.js';
import { protobufTraceExporter } from './otlp-exporter.js';
import { PooledIdGenerator } from './pooled-id-generator.js';
import type { Scope } from './recorded-span.js';
import type { RequestTracer, ServerSpan } from './request-tracer.js';
import { OtelServerSpan, type SpanSink, UnsampledServerSpan } from './server-span.js';
import { RecordingSpanWriter, type SpanWriter } from './span-writer.js';
import type { TracingSettings } from './tracing-settings.js';

const propagator = new W3CTraceContextPropagator();

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
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * OTLP/HTTP protobuf: the queue writes each span into its batch as it ends. OTLP/HTTP JSON: spans become
 * RecordedSpans for the SDK's batch processor and the official JSON exporter.
 */
function spanQueue(
  settings: TracingSettings,
  resource: Resource,
  scope: Scope,
): { queue: SpanQueue; writer: SpanWriter } {
  const config = { url: settings.url, headers: settings.headers };
  if (settings.protocol === 'http/protobuf') {
    const queue = new EncodingSpanQueue(protobufTraceExporter(config), resource, scope, BATCHING);
    return { queue, writer: queue };
  }
  const processor = new BatchSpanProcessor(new JsonTraceExporter(config), BATCHING);
  const queue = {
    processor,
    forceFlush: () => processor.forceFlush(),
    shutdown: () => processor.shutdown(),
  };
  return { queue, writer: new RecordingSpanWriter(resource, scope, (span) => processor.onEnd(span)) };
}

/**
 * Traces requests as OpenTelemetry spans, exported in batches over OTLP/HTTP off the request path. Sampling
 * (parent-based, trace-id ratio for new traces), ids, the OTLP transport and the JSON encoding and batching are
 * the official SDK and exporter packages; the spans themselves are written by the gateway as each ends (see
 * SpanWriter): for OTLP protobuf (the default) encoded into a batch of bytes (see EncodingSpanQueue), for JSON
 * made into RecordedSpans for the SDK's batch processor.
 */
export class OtelRequestTracer implements RequestTracer, SpanSink {
  readonly resource: Resource;
  readonly scope: Scope;
  /** Public for bench/tracer-work.mjs, which counts the queue's work without the HTTP export. */
  readonly queue: SpanQueue;
  /** What each request's spans are written to as they end (bench/tracer-work.mjs swaps it too). */
  readonly writer: SpanWriter;
  private readonly ids = new PooledIdGenerator();
  /** Undefined at ratio 1, where the SDK's sampler samples every valid trace id (and ours are valid). */
  private readonly sampler: TraceIdRatioBasedSampler | undefined;
  private readonly contentMaxBytes: number | undefined;

  constructor(settings: TracingSettings, service: { name: string; version: string }) {
    this.contentMaxBytes = settings.content?.maxBytes;
    this.resource = resourceFromAttributes({
      'service.name': service.name,
      'service.version': service.version,
      ...settings.resource,
    });
    this.scope = { name: service.name, version: service.version };
    this.sampler = settings.sampleRatio >= 1 ? undefined : new TraceIdRatioBasedSampler(settings.sampleRatio);
    ({ queue: this.queue, writer: this.writer } = spanQueue(settings, this.resource, this.scope));
  }

  newSpanId(): string {
    return this.ids.generateSpanId();
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
    if (!sampled) return new UnsampledServerSpan(this, traceId, traceState);
    // Content is collected only for spans that will be exported: an unsampled request keeps nothing.
    const content =
      this.contentMaxBytes !== undefined ? new CapturedContent(request.entryPoint, this.contentMaxBytes) : undefined;
    const { method, path, entryPoint } = request;
    const spanId = this.ids.generateSpanId();
    return new OtelServerSpan(
      this,
      traceId,
      spanId,
      parent,
      traceState,
      method,
      path,
      operationName(entryPoint),
      content,
    );
  }

  /** Exports the spans still buffered. */
  flush(): Promise<void> {
    return this.queue.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.queue.shutdown();
  }
}
