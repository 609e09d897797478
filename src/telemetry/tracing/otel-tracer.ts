import type { IncomingHttpHeaders } from 'node:http';
import { defaultTextMapGetter, ROOT_CONTEXT, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { RequestRecord } from '../request-record.js';
import { CapturedContent } from './captured-content.js';
import { EncodingSpanQueue, type QueueLimits } from './encoding-span-queue.js';
import { operationName } from './gen-ai-attributes.js';
import { type ExportTarget, protobufTraceExporter } from './otlp-exporter.js';
import { PooledIdGenerator } from './pooled-id-generator.js';
import type { Scope } from './recorded-span.js';
import type { RequestTracer, ServerSpan } from './request-tracer.js';
import { OtelServerSpan, type SpanSink, UnsampledServerSpan } from './server-span.js';
import type { SpanExportStats } from './span-export-stats.js';
import type { SpanWriter } from './span-writer.js';
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
const BATCHING: QueueLimits = { maxQueueSize: 32_768, maxExportBatchSize: 4_096, scheduledDelayMillis: 1_000 };

/** Where finished spans go: batched, encoded and exported off the request path. */
interface SpanQueue {
  /** The SDK's batch processor behind the JSON queue (bench/tracer-work.mjs swaps its exporter). */
  readonly processor?: BatchSpanProcessor;
  readonly stats: SpanExportStats;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Makes the span queue and writer of a protocol. */
type SpanQueueFactory = (
  target: ExportTarget,
  resource: Resource,
  scope: Scope,
  limits: QueueLimits,
) => { queue: SpanQueue; writer: SpanWriter };

/** OTLP/HTTP protobuf (the default): the queue writes each span into its batch as it ends. */
const protobufSpanQueue: SpanQueueFactory = (target, resource, scope, limits) => {
  const queue = new EncodingSpanQueue(protobufTraceExporter(target), resource, scope, limits);
  return { queue, writer: queue };
};

/**
 * What only some settings use, imported by `OtelRequestTracer.start` when they do: the OTLP/JSON queue (the SDK's
 * batch processor and the JSON exporter) and the ratio sampler (sdk-trace-base). A gateway tracing every request
 * over protobuf, the default, loads neither: each package loaded stays in the old generation for the life of the
 * process, and a larger old generation reaches its limit sooner (more mark-compacts under load).
 */
export interface TracerParts {
  jsonQueue?: SpanQueueFactory;
  /** Whether a new trace is sampled; absent at ratio 1. */
  sampler?: (traceId: string) => boolean;
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
  private readonly sampler: ((traceId: string) => boolean) | undefined;
  private readonly contentMaxBytes: number | undefined;
  /** Whether a caller's sampled flag decides (parent-based sampling); else the ratio decides every request. */
  private readonly followsParent: boolean;

  /** Imports what `settings` need beyond the protobuf default, then makes the tracer. */
  static async start(
    settings: TracingSettings,
    service: { name: string; version: string },
  ): Promise<OtelRequestTracer> {
    const parts: TracerParts = {};
    if (settings.protocol === 'http/json') parts.jsonQueue = (await import('./json-span-queue.js')).jsonSpanQueue;
    if (settings.sampleRatio < 1)
      parts.sampler = (await import('./ratio-sampler.js')).ratioSampler(settings.sampleRatio);
    return new OtelRequestTracer(settings, service, parts);
  }

  constructor(settings: TracingSettings, service: { name: string; version: string }, parts: TracerParts = {}) {
    this.contentMaxBytes = settings.content?.maxBytes;
    this.resource = resourceFromAttributes({
      'service.name': service.name,
      'service.version': service.version,
      ...settings.resource,
    });
    this.scope = { name: service.name, version: service.version };
    const spanQueue = settings.protocol === 'http/json' ? parts.jsonQueue : protobufSpanQueue;
    if (spanQueue === undefined || (settings.sampleRatio < 1 && parts.sampler === undefined)) {
      throw new Error('OTLP/JSON and ratios below 1 need their parts: make the tracer with OtelRequestTracer.start');
    }
    this.sampler = settings.sampleRatio < 1 ? parts.sampler : undefined;
    this.followsParent = settings.parentBased ?? true;
    const target = { url: settings.url, headers: settings.headers };
    const delay = settings.scheduleDelayMs;
    const limits = delay === undefined ? BATCHING : { ...BATCHING, scheduledDelayMillis: delay };
    ({ queue: this.queue, writer: this.writer } = spanQueue(target, this.resource, this.scope, limits));
  }

  newSpanId(): string {
    return this.ids.generateSpanId();
  }

  get lastIdBytes(): Uint8Array {
    return this.ids.lastPool;
  }

  get lastIdAt(): number {
    return this.ids.lastAt;
  }

  startRequest(request: {
    method: string;
    path: string;
    route?: string;
    entryPoint: RequestRecord['entryPoint'];
    headers: IncomingHttpHeaders;
  }): ServerSpan {
    const parent = remoteParent(request.headers);
    const ids = this.ids;
    const traceId = parent?.traceId ?? ids.generateTraceId();
    // A caller's trace id is only hex; ours are bytes in the generator's buffer too.
    const traceBytes = parent === undefined ? ids.lastPool : undefined;
    const traceAt = ids.lastAt;
    const traceState = parent?.traceState?.serialize();
    // Parent-based: a caller's sampled flag decides; a new trace is sampled by its id at the configured ratio
    // (as is every trace when the sampler is not parent-based: OTEL_TRACES_SAMPLER=always_on, traceidratio, …).
    const sampled =
      parent && this.followsParent
        ? (parent.traceFlags & TraceFlags.SAMPLED) !== 0
        : this.sampler === undefined || this.sampler(traceId);
    if (!sampled) return new UnsampledServerSpan(this, traceId, traceState);
    // Content is collected only for spans that will be exported: an unsampled request keeps nothing.
    const content =
      this.contentMaxBytes !== undefined ? new CapturedContent(request.entryPoint, this.contentMaxBytes) : undefined;
    const { method, path, entryPoint } = request;
    const route = request.route ?? path;
    const spanId = ids.generateSpanId();
    return new OtelServerSpan(
      this,
      traceId,
      spanId,
      traceBytes,
      traceAt,
      ids.lastPool,
      ids.lastAt,
      parent,
      traceState,
      method,
      path,
      route,
      operationName(entryPoint),
      content,
    );
  }

  get spans(): SpanExportStats {
    return this.queue.stats;
  }

  /** Exports the spans still buffered. */
  flush(): Promise<void> {
    return this.queue.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.queue.shutdown();
  }
}
