import { Readable } from 'node:stream';
import { GatewayError } from '../errors/gateway-error.js';
import { redactSecrets } from '../providers/provider-secrets.js';
import { log } from '../server/log.js';
import type { ErrorClass } from '../telemetry/request-record.js';
import { type ReadAnswer, readAnswer } from './answer-body.js';
import {
  classifyError,
  classifyErrorBody,
  classifyStatus,
  describeError,
  isClosedPool,
  isRequestRefusal,
} from './classify.js';
import { googleRetryDelayMs } from './google-retry-info.js';
import { looksLikeJson, notAnApiError } from './non-api-error-body.js';
import { retryAfterMs } from './retry-after.js';
import type { RouteTarget } from './route-table.js';
import { upstreamMessage } from './upstream-message.js';
import { discardBody, readUpstreamBody, type UpstreamReply } from './upstream-reply.js';

export type AttemptResult<R extends UpstreamReply> =
  /** An answer to relay: a success, or an upstream error that is the client's to handle (e.g. a 400). */
  | { kind: 'answer'; reply: R; latencyMs: number; errorClass?: ErrorClass | undefined }
  | {
      kind: 'failure';
      errorClass: ErrorClass;
      /** Upstream HTTP status, 0 when none arrived. */
      status: number;
      detail: string;
      latencyMs: number;
      retryAfterMs?: number | undefined;
      /** Set when the target refused the request before sending (its dialect cannot express it). */
      refusal?: GatewayError | undefined;
      /** The target answered; the model's output was the failure (see AnswerFault.targetServed). */
      targetServed?: true | undefined;
    };

export type SendAttempt<R extends UpstreamReply> = (target: RouteTarget, attemptIndex: number) => Promise<R>;

/**
 * A 2xx answer relayed whole is accepted once its body has arrived and is not an error in disguise; an error
 * inside it that blames the request is the client's answer, as an error status would be. `latencyMs` stays
 * the time to the head (what least-latency routing compares); a failure reports the whole attempt. Takes what
 * was read rather than reading it (an async function of its own was one more promise chain per request).
 */
function acceptedAnswer<R extends UpstreamReply>(
  target: RouteTarget,
  reply: R,
  read: Exclude<ReadAnswer<R>, { kind: 'refused' }>,
  started: number,
  latencyMs: number,
): AttemptResult<R> {
  if (read.kind === 'answer') return { kind: 'answer', reply: read.reply, latencyMs };
  const { fault } = read;
  if (read.reply && fault.errorClass === 'client_error') {
    return { kind: 'answer', reply: read.reply, latencyMs, errorClass: fault.errorClass };
  }
  return {
    kind: 'failure',
    errorClass: fault.errorClass,
    status: reply.status,
    detail: redactSecrets(fault.detail, target.provider.secrets),
    latencyMs: performance.now() - started,
    targetServed: fault.targetServed,
  };
}

/**
 * The routing primitive: send this request to this target once, and say what happened. Errors that routing
 * may act on are classified (reading the error body where the class depends on it); an upstream error that
 * is final is returned as an answer with its body intact.
 */
export async function attemptTarget<R extends UpstreamReply>(
  target: RouteTarget,
  send: SendAttempt<R>,
  attemptIndex: number,
  /** The route's fallback classes: a refusal it falls back on is a failure, any other is the client's answer. */
  fallbackOn: ReadonlySet<ErrorClass>,
  requestId?: string,
): Promise<AttemptResult<R>> {
  const started = performance.now();
  let reply: R;
  try {
    reply = await send(target, attemptIndex);
  } catch (error) {
    const latencyMs = performance.now() - started;
    if (error instanceof GatewayError) {
      return {
        kind: 'failure',
        errorClass: 'unsupported',
        status: 0,
        detail: error.message,
        latencyMs,
        refusal: error,
      };
    }
    const errorClass = classifyError(error);
    if (errorClass === 'internal' && isClosedPool(error)) {
      return { kind: 'failure', errorClass, status: 0, detail: describeError(error), latencyMs };
    }
    if (errorClass === 'internal') {
      log.error('request failed inside the gateway', {
        request_id: requestId,
        error: String((error as Error)?.stack ?? error),
      });
      return { kind: 'failure', errorClass, status: 0, detail: 'internal gateway error', latencyMs };
    }
    const detail = redactSecrets(describeError(error), target.provider.secrets);
    return { kind: 'failure', errorClass, status: 0, detail, latencyMs };
  }
  const latencyMs = performance.now() - started;
  if (reply.status >= 300 && reply.status < 400) {
    discardBody(reply);
    const detail = redactSecrets(redirectDetail(reply), target.provider.secrets);
    return { kind: 'failure', errorClass: 'server_error', status: reply.status, detail, latencyMs };
  }
  if (reply.status < 400) {
    if (!reply.readAhead) return { kind: 'answer', reply, latencyMs };
    const read = await readAnswer(reply);
    if (read.kind === 'refused') return errorStatusResult(target, read.reply, read.reply.bytes, latencyMs, fallbackOn);
    return acceptedAnswer(target, reply, read, started, latencyMs);
  }
  // A 4xx body is always read (error bodies are small, and no success pays for it): only the body tells a
  // malformed request from a refused one (content-filtered, too long), which is recorded as such.
  return errorStatusResult(target, reply, await readUpstreamBody(reply), latencyMs, fallbackOn);
}

/** What an error status (or an error document taken as one) means for the attempt, by its class and body. */
function errorStatusResult<R extends UpstreamReply>(
  target: RouteTarget,
  reply: R,
  body: Buffer,
  latencyMs: number,
  fallbackOn: ReadonlySet<ErrorClass>,
): AttemptResult<R> {
  const byStatus = classifyStatus(reply.status);
  const errorClass =
    byStatus === 'client_error'
      ? classifyErrorBody(reply.status, body.toString('utf8'), reply.headers['x-amzn-errortype'])
      : byStatus;
  if (errorClass === 'client_error' || (isRequestRefusal(errorClass) && !fallbackOn.has(errorClass))) {
    // Final for this route: the client gets the upstream's own bytes (Azure's content_filter_result with them).
    return { kind: 'answer', reply: { ...reply, body: Readable.from([body]) }, latencyMs, errorClass };
  }
  return {
    kind: 'failure',
    errorClass,
    status: reply.status,
    // Some upstreams quote the credential they were sent ("Incorrect API key provided: sk-..."). A page from a
    // proxy or load balancer is said in words, not relayed as markup in the client's error.
    detail: redactSecrets(failureDetail(reply, body), target.provider.secrets),
    latencyMs,
    // Google's APIs say when to retry in the error body, not in a header.
    retryAfterMs: retryAfterMs(reply.headers) ?? googleRetryDelayMs(body),
  };
}

/** What a failed attempt's error body said: an API's message, or what a body that is no API error is. */
function failureDetail(reply: UpstreamReply, body: Buffer): string {
  const text = body.toString('utf8');
  return looksLikeJson(text) ? upstreamMessage(body) : notAnApiError(reply.status, reply.headers, text);
}

/**
 * A redirect is never followed: the request carries the provider's credentials, and the place it points to is
 * the upstream's to choose. Said with the host it named (not its path or query), as a base_url to check.
 */
function redirectDetail(reply: UpstreamReply): string {
  const location = reply.headers.location;
  let host = '';
  try {
    host = typeof location === 'string' ? new URL(location, 'http://upstream.invalid').host : '';
  } catch {
    // An unparsable Location names no host.
  }
  const to = host && host !== 'upstream.invalid' ? ` to ${host}` : '';
  return `the upstream answered ${reply.status}, a redirect${to}, which the gateway does not follow (check the provider's base_url)`;
}
