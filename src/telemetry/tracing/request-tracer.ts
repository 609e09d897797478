import type { IncomingHttpHeaders } from 'node:http';
import type { AttemptRecord, EntryPoint, RequestRecord } from '../request-record.js';

/**
 * What the data plane asks of tracing. Only these types are known on the request path; the OpenTelemetry SDK
 * behind them is imported when tracing is configured, so a gateway without it pays one undefined check.
 */
export interface RequestTracer {
  startRequest(request: {
    method: string;
    path: string;
    entryPoint: EntryPoint;
    headers: IncomingHttpHeaders;
  }): ServerSpan;
  /** Exports the spans buffered so far. */
  flush(): Promise<void>;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

/** The upstream an attempt goes to, as the config names it. */
export interface AttemptTarget {
  provider: string;
  /** The provider type, as `gen_ai.provider.name` (openai, anthropic). */
  providerType: string;
  model: string;
  origin: string;
}

/** The span of one client request: its attempts' spans are its children. */
export interface ServerSpan {
  /** Starts the client span of one upstream attempt; returns the trace headers to send upstream with it. */
  startAttempt(target: AttemptTarget, attemptIndex: number): Record<string, string>;
  /** Ends the failed attempts' spans at the time they took; the answering one stays open until `end`. */
  settleAttempts(attempts: readonly AttemptRecord[]): void;
  end(record: RequestRecord): void;
}
