import type { RequestTracer } from './request-tracer.js';
import type { TracingSettings } from './tracing-settings.js';

/** Loads the OpenTelemetry SDK and starts tracing; the import happens only here, when tracing is configured. */
export async function startTracing(
  settings: TracingSettings,
  service: { name: string; version: string },
): Promise<RequestTracer> {
  const { OtelRequestTracer } = await import('./otel-tracer.js');
  return OtelRequestTracer.start(settings, service);
}
