import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { setGlobalErrorHandler } from '@opentelemetry/core';
import { log } from '../../server/log.js';

/** At most one line per this long while exports keep failing (a batch fails every second at full rate). */
const LOG_INTERVAL_MS = 60_000;
const MAX_ERROR_CHARS = 300;

/**
 * Reports what the OpenTelemetry SDK would otherwise tell no one: failed exports (a collector that is down or
 * mistyped) and spans dropped from a full queue, in the gateway's log, at most once a minute with the count of
 * those not logged. Without it, tracing that never reaches its collector looks exactly like tracing that works.
 */
export class ExportFailureLog {
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private unlogged = 0;

  constructor(
    private readonly endpoint: string,
    private readonly now: () => number = Date.now,
  ) {}

  report(error: unknown): void {
    const at = this.now();
    if (at - this.lastLoggedAt < LOG_INTERVAL_MS) {
      this.unlogged++;
      return;
    }
    const text = error instanceof Error ? error.message : String(error);
    // An OTLPExporterError carries the collector's HTTP status as its code; its message is only the status text.
    const status = (error as { code?: unknown } | undefined)?.code;
    log.warn('trace export failed; spans are being dropped', {
      endpoint: this.endpoint,
      error: text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text,
      ...(typeof status === 'number' ? { status } : {}),
      ...(this.unlogged > 0 ? { failures_since_last_line: this.unlogged } : {}),
    });
    this.lastLoggedAt = at;
    this.unlogged = 0;
  }

  /**
   * Exports work again: says so once if a failure was logged, and lets the next failure be logged at once (a
   * collector that comes back and then breaks in a new way is news, not a repeat).
   */
  recovered(): void {
    if (this.lastLoggedAt === Number.NEGATIVE_INFINITY) return;
    log.info('trace export recovered', {
      endpoint: this.endpoint,
      ...(this.unlogged > 0 ? { failures_since_last_line: this.unlogged } : {}),
    });
    this.lastLoggedAt = Number.NEGATIVE_INFINITY;
    this.unlogged = 0;
  }

  /** Routes the SDK's error handler and its warnings and errors (`diag`) here. */
  install(): void {
    setGlobalErrorHandler((error) => this.report(error));
    // The details come as further arguments: a partial success's rejected span count and reason, for one.
    const report = (message: string, ...args: unknown[]) => this.report([message, ...args.map(String)].join(' '));
    const ignore = () => undefined;
    const logger: DiagLogger = { error: report, warn: report, info: ignore, debug: ignore, verbose: ignore };
    diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  }
}
