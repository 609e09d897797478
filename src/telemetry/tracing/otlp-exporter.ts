import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import {
  type IExportTraceServiceResponse,
  type ISerializer,
  ProtobufTraceSerializer,
  TraceExporterMetricsHelper,
} from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { encodeTraceRequest } from './otlp-span-encoder.js';

/** Requests encoded by the gateway's one-pass encoder; responses read by the official deserialiser. */
const serializer: ISerializer<ReadableSpan[], IExportTraceServiceResponse> = {
  serializeRequest: encodeTraceRequest,
  deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data),
};

/**
 * OTLP/HTTP protobuf span exporter: the official exporter's transport (retries, timeouts, compression, the
 * OTEL_EXPORTER_OTLP_* variables), assembled from @opentelemetry/otlp-exporter-base as
 * @opentelemetry/exporter-trace-otlp-proto assembles it, with the serialiser swapped for the gateway's.
 */
export function protobufTraceExporter(config: { url: string; headers: Record<string, string> }): SpanExporter {
  const options = convertLegacyHttpOptions(config, 'TRACES', 'v1/traces', {
    'Content-Type': 'application/x-protobuf',
  });
  const delegate = createOtlpHttpExportDelegate(
    options,
    serializer,
    'otlp_http_span_exporter',
    TraceExporterMetricsHelper,
    undefined,
  );
  return new OTLPExporterBase(delegate);
}
