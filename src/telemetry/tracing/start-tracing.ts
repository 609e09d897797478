import type { RequestTracer } from './request-tracer.js';
import type { TracingSettings } from './tracing-settings.js';

/** Loads the OpenTelemetry SDK and starts tracing; the import happens only here, when tracing is configured. */
export async function startTracing(
  settings: TracingSettings,
  service: { name: string; version: string },
  /** The endpoint as the log may name it (no user:password). */
  shownEndpoint: string = settings.url,
): Promise<RequestTracer> {
  const [{ OtelRequestTracer }, { ExportFailureLog }] = await Promise.all([
    import('./otel-tracer.js'),
    import('./export-failure-log.js'),
  ]);
  const failures = new ExportFailureLog(shownEndpoint);
  failures.install();
  const tracer = await OtelRequestTracer.start(settings, service);
  tracer.spans.onRecovered = () => failures.recovered();
  return tracer;
}
