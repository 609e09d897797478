import type { IncomingHttpHeaders } from 'node:http';
import type { AttemptRecord, EntryPoint, RequestRecord } from '../request-record.js';
import type { SpanExportCounts } from './span-export-stats.js';

/**
 * What the data plane asks of tracing. Only these types are known on the request path; the OpenTelemetry SDK
 * behind them is imported when tracing is configured, so a gateway without it pays one undefined check.
 */
export interface RequestTracer {
  startRequest(request: {
    method: string;
    path: string;
    /** The path template when the path carries an id (the span's name and `http.route`); `path` when absent. */
    route?: string;
    entryPoint: EntryPoint;
    headers: IncomingHttpHeaders;
  }): ServerSpan;
  /** Spans exported and dropped since start (for /metrics). */
  readonly spans: SpanExportCounts;
  /** Exports the spans buffered so far. */
  flush(): Promise<void>;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

/** The upstream an attempt goes to, as the config names it. */
export interface AttemptTarget {
  provider: string;
  /** `gen_ai.provider.name`: the GenAI conventions' name of the provider (openai, anthropic, aws.bedrock, …). */
  providerType: string;
  model: string;
  origin: string;
}

/** Collects a request's prompt and completion for its span; present only with content capture on. */
export interface SpanContent {
  /** The client's parsed request body. */
  input(body: Record<string, unknown>): void;
  /** A chunk of the response body as sent to the client. */
  output(chunk: Buffer | string): void;
}

/** The span of one client request: its attempts' spans are its children. */
export interface ServerSpan {
  /** Undefined unless `capture_content` is on (and the request is sampled): then content goes on the span. */
  readonly content: SpanContent | undefined;
  /**
   * Starts the client span of one upstream attempt; returns the headers to send upstream with it: a copy of
   * `headers` with the trace headers added (one object per attempt rather than two).
   */
  startAttempt(
    target: AttemptTarget,
    attemptIndex: number,
    headers?: Readonly<Record<string, string>>,
  ): Record<string, string>;
  /** Ends the failed attempts' spans at the time they took; the answering one stays open until `end`. */
  settleAttempts(attempts: readonly AttemptRecord[]): void;
  end(record: RequestRecord): void;
}
