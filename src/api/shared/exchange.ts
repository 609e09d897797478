import type { IncomingHttpHeaders } from 'node:http';
import { costOf } from '../../cost/cost-of.js';
import type { GatewayError } from '../../errors/gateway-error.js';
import { redactSecrets } from '../../providers/provider-secrets.js';
import type { ClientAccess } from '../../routing/limits/client-access.js';
import type { LimitService, LimitTicket } from '../../routing/limits/limit-service.js';
import { withoutQuotedInput } from '../../routing/quoted-input.js';
import type { Router } from '../../routing/router.js';
import type { GatewaySnapshot } from '../../server/gateway-snapshot.js';
import { newRequestId } from '../../telemetry/request-id.js';
import type {
  AttemptRecord,
  EntryPoint,
  RequestRecord,
  RouteMode,
  TokenUsage,
} from '../../telemetry/request-record.js';
import type { RequestTracer, ServerSpan } from '../../telemetry/tracing/request-tracer.js';
import type { CancelReason, CancelSignal } from '../../upstream/cancel-signal.js';
import type { StoredResponses } from '../responses/stored-responses.js';
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
  /** Responses kept for `store: true` / `previous_response_id`. */
  readonly responses: StoredResponses;
  /** Set while tracing is configured. */
  tracer?: RequestTracer | undefined;
  /** Rate limits and budgets of client keys. */
  readonly limits?: LimitService | undefined;
}

/** The state of one client request from arrival to its telemetry record. */
export class Exchange {
  readonly id: string;
  readonly time: number;
  readonly startedAt: number;
  client: string | null = null;
  /** Whose stored data this request may reach: the client key id, or `config:<name>` for a config client. */
  clientScope: string | null = null;
  /** The store key id that authenticated the request, and that key's tags (for usage reports). */
  keyId: string | null = null;
  clientTags: Readonly<Record<string, string>> | null = null;
  /** The client's model access, limits and budgets; undefined when it may do anything. */
  access: ClientAccess | undefined;
  /** The parsed request body and its size, read for the limits' token estimate. */
  requestBody: Record<string, unknown> | undefined;
  requestBytes = 0;
  /** The request body as received (decoded), kept for an input estimate should a stream end before its usage. */
  requestRaw: Uint8Array | undefined;
  /** The counters this request was charged to, settled when it ends. */
  limitTicket: LimitTicket | undefined;
  /** The query string of the URL, without the `?` ('' when there is none). */
  query = '';
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
  /** Node's HTTP parser refused the request mid-body; the answer went straight to the socket. */
  parserFault = false;
  /**
   * The gateway cut the response itself (an upstream body that broke, or hit the total time limit, while it
   * was being relayed): the close that follows is not the client's, and the record keeps the stream error.
   */
  responseCut = false;
  /**
   * The client has been sent its stream's last event, the upstream's error (relayed or translated): the SDKs
   * close the connection as soon as they read it, which is a client done with a failed answer, not one that
   * hung up, so the record keeps the upstream's failure (and the breaker hears of it) instead of a 499.
   */
  finalEventSent = false;
  /**
   * The gateway's own cancel (client gone, total time limit, shutdown) is what broke the upstream body after the
   * response started; undefined when the upstream broke it (see streamFailureMessage).
   */
  cutBy: CancelReason | undefined;
  /** The gateway's own code failed after the response started: nobody's breaker or guard hears of it. */
  internalFault = false;
  /** Cancels the upstream work of this request (client gone, deadline passed). */
  cancel: CancelSignal | undefined;
  /** The session id for sticky routing (from the configured header), when the client sent one. */
  sessionId: string | undefined;
  /** The client's request headers (read for dialect headers such as anthropic-version / anthropic-beta). */
  clientHeaders: IncomingHttpHeaders = {};
  /** Hints a translated request lost on its way to the upstream (`x-gateway-dropped`), when there were any. */
  droppedFields: readonly string[] | null = null;
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

  /**
   * What the request cost at the serving target's effective price (config, shipped table, or 0 when
   * self-hosted), when both usage and a price are known; null marks it unpriced.
   */
  private cost(): number | null {
    if (!this.usage || this.provider === null || this.upstreamModel === null) return null;
    const resolved = this.snapshot.providers.get(this.provider)?.prices.priceFor(this.upstreamModel);
    return resolved ? costOf(this.usage, resolved.price) : null;
  }

  /**
   * The answering upstream broke its stream after the response started: its attempt failed (`stream_error`),
   * though its status was a 2xx, so the attempt series and the trace say so as the breaker does.
   */
  upstreamStreamFailed(): void {
    const last = this.attempts.length - 1;
    const answering = this.attempts[last];
    if (answering === undefined || answering.errorClass !== undefined) return;
    const error = this.redactedStreamError() ?? undefined;
    this.attempts[last] = {
      ...answering,
      errorClass: 'stream_error',
      error: cappedOrNull(error ?? null, MAX_ERROR) ?? undefined,
    };
  }

  /**
   * The total time limit cut the answering upstream's response after it started: its attempt says
   * `cancelled`, as an attempt the limit cuts before an answer does.
   */
  answeringAttemptCancelled(): void {
    const last = this.attempts.length - 1;
    const answering = this.attempts[last];
    if (answering === undefined || answering.errorClass !== undefined) return;
    this.attempts[last] = { ...answering, errorClass: 'cancelled', error: this.redactedStreamError() ?? undefined };
  }

  /**
   * A broken stream's message may quote what the upstream said, credentials included, and an upstream's error
   * event may quote the request (see withoutQuotedInput).
   */
  private redactedStreamError(): string | null {
    if (this.streamError === null) return null;
    const message = withoutQuotedInput(this.streamError);
    if (this.provider === null) return message;
    return redactSecrets(message, this.snapshot.providers.get(this.provider)?.secrets ?? []);
  }

  /**
   * The record's error text. A response cut midway (by the gateway itself: shutdown past its grace period, the
   * total time limit; or by the upstream breaking its stream) says how far it got, as a hang-up's record does:
   * what the client was sent and may have used.
   */
  private recordedError(): string | null {
    const message = this.error ? withoutQuotedInput(this.error.message) : this.redactedStreamError();
    const upstreamCut = this.error === null && this.streamError !== null;
    if (
      message === null ||
      this.sentBytes === 0 ||
      !(upstreamCut || this.cutBy === 'shutdown' || this.cutBy === 'deadline')
    ) {
      return message;
    }
    return `${message} (cut after ${this.sentBytes} bytes of the response)`;
  }

  toRecord(): RequestRecord {
    const usage = this.usage;
    return {
      id: this.id,
      time: this.time,
      client: this.client,
      keyId: this.keyId,
      clientTags: this.clientTags === null ? null : { ...this.clientTags },
      entryPoint: this.entryPoint,
      method: this.method,
      path: capped(this.path, MAX_PATH),
      stream: this.stream,
      requestedModel: this.requestedModel === null ? null : capped(this.requestedModel, MAX_MODEL),
      provider: this.provider,
      upstreamModel: this.upstreamModel,
      routeMode: this.routeMode,
      attempts: this.attempts,
      status: this.clientGone ? 499 : this.status,
      latencyMs: round((this.endedAt ?? performance.now()) - this.startedAt),
      // Only once an upstream answered: a refusal of the gateway's own (401, 403, a limit's 429, a bad body) or a
      // request no target answered has no first token, and its error body's time would pass for a fast TTFT.
      ttfbMs:
        this.firstByteAt === null || !this.attempts.some((a) => a.status > 0)
          ? null
          : round(this.firstByteAt - this.startedAt),
      inputTokens: usage?.inputTokens ?? null,
      outputTokens: usage?.outputTokens ?? null,
      cachedTokens: usage?.cachedTokens ?? null,
      cacheWriteTokens: usage?.cacheWriteTokens ?? null,
      reasoningTokens: usage?.reasoningTokens ?? null,
      usageEstimated: usage?.estimated === true,
      costUsd: this.costUsd ?? this.cost(),
      errorCode: this.clientGone
        ? CLIENT_CLOSED_CODE
        : (this.error?.code ?? (this.internalFault ? 'GW_ERR_INTERNAL' : streamErrorCode(this.streamError))),
      errorMessage: this.clientGone
        ? clientClosedMessage(this.sentBytes, this.headStarted)
        : cappedOrNull(this.recordedError(), MAX_ERROR),
      configRevision: this.snapshot.revision,
      droppedFields: this.droppedFields === null ? null : [...this.droppedFields],
    };
  }
}

function streamErrorCode(streamError: string | null): string | null {
  return streamError === null ? null : 'GW_ERR_UPSTREAM_STREAM';
}

/**
 * Most of a record's text a client chooses (path, model, an error that quotes them): what a request can add
 * to the request log is bounded, however long the path or model name it sends.
 */
const MAX_PATH = 256;
const MAX_MODEL = 256;
const MAX_ERROR = 1_000;

function capped(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function cappedOrNull(text: string | null, max: number): string | null {
  return text === null ? null : capped(text, max);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
