import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import type { IExporterMetricsHelper, IExportTraceServiceResponse, ISerializer } from '@opentelemetry/otlp-transformer';
// The official response deserialiser by its module path: the package's index also loads its logs and metrics
// transforms, and with them @opentelemetry/sdk-metrics and api-logs (~0.8 MB of heap right after loading, kept
// for the life of the process). The version is pinned, so the path cannot move under us unnoticed.
import { deserializeExportTraceServiceResponse } from '@opentelemetry/otlp-transformer/build/src/trace/protobuf/response-deserializer.js';
import type { BatchExporter, EncodedBatch } from './encoding-span-queue.js';
import { type ExporterTransport, type ExportSettings, UndiciExportTransport } from './undici-export-transport.js';

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

/** The official delegate's transports as otlp-exporter-base 0.223 nests them: retries around the HTTP send. */
interface NestedTransports {
  _transport?: { _transport?: ExporterTransport };
}

/**
 * Sends a delegate's plain-HTTP exports through undici instead of node:http (see UndiciExportTransport), inside
 * the official retrying transport. Returns whether it did: a delegate of another shape keeps its own transport.
 */
export function sendThroughUndici(delegate: unknown, options: ExportSettings): boolean {
  const retrying = (delegate as NestedTransports)._transport;
  if (typeof retrying?._transport?.send !== 'function' || new URL(options.url).protocol !== 'http:') return false;
  retrying._transport = new UndiciExportTransport(options);
  return true;
}

/**
 * OTLP/HTTP protobuf exporter of encoded span batches: the official exporter's delegate (retries, timeouts,
 * compression, the OTEL_EXPORTER_OTLP_* variables), assembled from @opentelemetry/otlp-exporter-base as
 * @opentelemetry/exporter-trace-otlp-proto assembles it, with the serialiser swapped for the gateway's and, for
 * a plain-HTTP collector, the HTTP send for undici's. An https collector keeps the official node:http send, which
 * carries its TLS settings (OTEL_EXPORTER_OTLP_CERTIFICATE, client certificates) in its agent.
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
  sendThroughUndici(delegate, options);
  return new OTLPExporterBase(delegate);
}
