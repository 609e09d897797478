import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayError } from '../../errors/gateway-error.js';
import { redactSecrets } from '../../providers/provider-secrets.js';
import type { Router } from '../../routing/router.js';
import type { GatewaySnapshot } from '../../server/gateway-snapshot.js';
import { costOf } from '../../telemetry/cost.js';
import { newRequestId } from '../../telemetry/request-id.js';
import type {
  AttemptRecord,
  EntryPoint,
  RequestRecord,
  RouteMode,
  TokenUsage,
} from '../../telemetry/request-record.js';
import type { RequestTracer, ServerSpan } from '../../telemetry/tracing/request-tracer.js';
import type { CancelSignal } from './cancel-signal.js';
import type { ClientDialect } from './client-dialect.js';
import type { DeadlineSweeper } from './deadline-sweeper.js';

/** The telemetry error code of a response the client abandoned (not a failure of the gateway or the upstream). */
export const CLIENT_CLOSED_CODE = 'GW_ERR_CLIENT_CLOSED';

/** The telemetry error of a response the client abandoned: how far it got, never what it said. */
export function clientClosedMessage(sentBytes: number, started: boolean): string {
  return started
    ? `client closed the connection after ${sentBytes} bytes of the response`
    : 'client closed the connection before the response started';
}

/** Long-lived services a request uses, shared by every request. */
export interface RequestServices {
  readonly router: Router;
  readonly deadlines: DeadlineSweeper;
  /** Set while tracing is configured. */
  tracer?: RequestTracer | undefined;
}

/** The state of one client request from arrival to its telemetry record. */
export class Exchange {
  readonly id: string;
  readonly time: number;
  readonly startedAt: number;
  client: string | null = null;
  requestedModel: string | null = null;
  stream = false;
  provider: string | null = null;
  upstreamModel: string | null = null;
  routeMode: RouteMode = 'none';
  attempts: AttemptRecord[] = [];
  status = 0;
  firstByteAt: number | null = null;
  /** When the response closed (sent, or abandoned by the client); the record's latency ends here. */
  endedAt: number | null = null;
  usage: TokenUsage | null = null;
  costUsd: number | null = null;
  error: GatewayError | null = null;
  /** A failure after the response started (e.g. a broken upstream stream); the status stays what was sent. */
  streamError: string | null = null;
  /** Body bytes handed to the client's socket so far (what a client that hung up had received, at most). */
  sentBytes = 0;
  /** The client went away before the response ended; set once, whatever the handler is still doing. */
  clientGone = false;
  /** Whether the response had started when the client went away. */
  private headStarted = false;
  /** Cancels the upstream work of this request (client gone, deadline passed). */
  cancel: CancelSignal | undefined;
  /** The session id for sticky routing (from the configured header), when the client sent one. */
  sessionId: string | undefined;
  /** The client's request headers (read for dialect headers such as anthropic-version / anthropic-beta). */
  clientHeaders: IncomingHttpHeaders = {};
  /** The request's trace span, when tracing is on. */
  trace: ServerSpan | undefined;

  constructor(
    readonly entryPoint: EntryPoint,
    readonly dialect: ClientDialect,
    readonly method: string,
    readonly path: string,
    readonly snapshot: GatewaySnapshot,
    readonly services: RequestServices,
  ) {
    this.time = Date.now();
    this.startedAt = performance.now();
    this.id = newRequestId(this.time);
  }

  /**
   * The client went away before the response ended: a client event whether or not the response had started
   * (499, GW_ERR_CLIENT_CLOSED), so neither a breaker nor a publish guard holds it against the upstream.
   */
  clientClosed(headersSent: boolean): void {
    this.clientGone = true;
    this.headStarted = headersSent;
  }

  markFirstByte(): void {
    if (this.firstByteAt === null) this.firstByteAt = performance.now();
  }

  /** What the request cost at the serving target's configured prices, when both usage and a price are known. */
  private cost(): number | null {
    if (!this.usage || this.provider === null || this.upstreamModel === null) return null;
    const price = this.snapshot.providers.get(this.provider)?.pricing[this.upstreamModel];
    return price ? costOf(this.usage, price) : null;
  }

  /** A broken stream's message may quote what the upstream said, credentials included. */
  private redactedStreamError(): string | null {
    if (this.streamError === null || this.provider === null) return this.streamError;
    return redactSecrets(this.streamError, this.snapshot.providers.get(this.provider)?.secrets ?? []);
  }

  toRecord(): RequestRecord {
    const usage = this.usage;
    return {
      id: this.id,
      time: this.time,
      client: this.client,
      entryPoint: this.entryPoint,
      method: this.method,
      path: this.path,
      stream: this.stream,
      requestedModel: this.requestedModel,
      provider: this.provider,
      upstreamModel: this.upstreamModel,
      routeMode: this.routeMode,
      attempts: this.attempts,
      status: this.clientGone ? 499 : this.status,
      latencyMs: round((this.endedAt ?? performance.now()) - this.startedAt),
      ttfbMs: this.firstByteAt === null ? null : round(this.firstByteAt - this.startedAt),
      inputTokens: usage?.inputTokens ?? null,
      outputTokens: usage?.outputTokens ?? null,
      cachedTokens: usage?.cachedTokens ?? null,
      cacheWriteTokens: usage?.cacheWriteTokens ?? null,
      costUsd: this.costUsd ?? this.cost(),
      errorCode: this.clientGone ? CLIENT_CLOSED_CODE : (this.error?.code ?? streamErrorCode(this.streamError)),
      errorMessage: this.clientGone
        ? clientClosedMessage(this.sentBytes, this.headStarted)
        : (this.error?.message ?? this.redactedStreamError()),
      configRevision: this.snapshot.revision,
    };
  }
}

function streamErrorCode(streamError: string | null): string | null {
  return streamError === null ? null : 'GW_ERR_UPSTREAM_STREAM';
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
