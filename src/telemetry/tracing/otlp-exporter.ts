import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import type { IExporterMetricsHelper, IExportTraceServiceResponse, ISerializer } from '@opentelemetry/otlp-transformer';
// The official response deserialiser by its module path: the package's index also loads its logs and metrics
// transforms, and with them @opentelemetry/sdk-metrics and api-logs (~0.8 MB of heap right after loading, kept
// for the life of the process). The version is pinned, so the path cannot move under us unnoticed.
import { deserializeExportTraceServiceResponse } from '@opentelemetry/otlp-transformer/build/src/trace/protobuf/response-deserializer.js';
import type { BatchExporter, EncodedBatch } from './encoding-span-queue.js';

/** Where spans are exported to. */
export interface ExportTarget {
  url: string;
  headers: Record<string, string>;
}

/** Batches arrive encoded (see EncodingSpanQueue); responses are read by the official deserialiser. */
const serializer: ISerializer<EncodedBatch, IExportTraceServiceResponse> = {
  serializeRequest: (batch) => batch.bytes,
  deserializeResponse: (data) => deserializeExportTraceServiceResponse(data),
};

/** The exporter's self-metrics count spans, as the official trace exporter's do. */
const metricsHelper: IExporterMetricsHelper<EncodedBatch> = {
  name: 'span',
  countItems: (batch) => batch.spanCount,
};

/**
 * OTLP/HTTP protobuf exporter of encoded span batches: the official exporter's transport (retries, timeouts,
 * compression, the OTEL_EXPORTER_OTLP_* variables), assembled from @opentelemetry/otlp-exporter-base as
 * @opentelemetry/exporter-trace-otlp-proto assembles it, with the serialiser swapped for the gateway's.
 */
export function protobufTraceExporter(config: ExportTarget): BatchExporter {
  const options = convertLegacyHttpOptions(config, 'TRACES', 'v1/traces', {
    'Content-Type': 'application/x-protobuf',
  });
  const delegate = createOtlpHttpExportDelegate(
    options,
    serializer,
    'otlp_http_span_exporter',
    metricsHelper,
    undefined,
  );
  return new OTLPExporterBase(delegate);
}
