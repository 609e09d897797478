import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { QueueLimits } from './encoding-span-queue.js';
import type { ExportTarget } from './otlp-exporter.js';
import type { Scope } from './recorded-span.js';
import { SpanExportStats } from './span-export-stats.js';
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
  queue: {
    processor: BatchSpanProcessor;
    stats: SpanExportStats;
    forceFlush(): Promise<void>;
    shutdown(): Promise<void>;
  };
  writer: SpanWriter;
} {
  const stats = new SpanExportStats();
  const processor = new BatchSpanProcessor(countedExporter(new OTLPTraceExporter(target), stats), limits);
  const queue = {
    processor,
    stats,
    forceFlush: () => processor.forceFlush(),
    shutdown: () => processor.shutdown(),
  };
  return { queue, writer: new RecordingSpanWriter(resource, scope, (span) => processor.onEnd(span)) };
}

/**
 * The exporter with each batch's outcome counted. Spans the SDK's processor drops from a full queue are not seen
 * here (it only logs them, as a debug message and a warning the export-failure log reports).
 */
function countedExporter(exporter: SpanExporter, stats: SpanExportStats): SpanExporter {
  return {
    export(spans: ReadableSpan[], done) {
      exporter.export(spans, (result) => {
        if (result.code === ExportResultCode.SUCCESS) stats.batchExported(spans.length);
        else stats.batchFailed(spans.length);
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}
