import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { QueueLimits } from './encoding-span-queue.js';
import type { ExportTarget } from './otlp-exporter.js';
import type { Scope } from './recorded-span.js';
import { RecordingSpanWriter, type SpanWriter } from './span-writer.js';

/**
 * OTLP/HTTP JSON: spans become RecordedSpans for the SDK's batch processor and the official JSON exporter. Its own
 * module, imported only when the JSON protocol is configured: the exporter's package loads otlp-transformer's
 * index, and with it the logs and metrics SDKs; with sdk-trace-base, ~1 MB of heap that a gateway exporting
 * protobuf (the default) no longer keeps (bench/tracer-footprint.mjs).
 */
export function jsonSpanQueue(
  target: ExportTarget,
  resource: Resource,
  scope: Scope,
  limits: QueueLimits,
): {
  queue: { processor: BatchSpanProcessor; forceFlush(): Promise<void>; shutdown(): Promise<void> };
  writer: SpanWriter;
} {
  const processor = new BatchSpanProcessor(new OTLPTraceExporter(target), limits);
  const queue = {
    processor,
    forceFlush: () => processor.forceFlush(),
    shutdown: () => processor.shutdown(),
  };
  return { queue, writer: new RecordingSpanWriter(resource, scope, (span) => processor.onEnd(span)) };
}
