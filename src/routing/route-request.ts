import { errors } from '../errors/codes.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { AttemptRecord, ErrorClass, RouteMode } from '../telemetry/request-record.js';
import { classifyError, classifyStatus, describeError } from './classify.js';
import type { ModelRoute, RouteTarget } from './route-table.js';
import { readErrorBody, type UpstreamReply } from './upstream-reply.js';

export type RouteOutcome<R extends UpstreamReply> =
  | { ok: true; reply: R; target: RouteTarget; mode: RouteMode; attempts: AttemptRecord[] }
  | { ok: false; error: GatewayError; attempts: AttemptRecord[] };

export interface RouteOptions {
  /** True once the client has gone away: stop trying further targets. */
  isCancelled?: () => boolean;
}

/** Sends the request for one target; called once per attempt. */
export type AttemptSender<R extends UpstreamReply> = (target: RouteTarget, attemptIndex: number) => Promise<R>;

interface Failure {
  target: RouteTarget;
  errorClass: ErrorClass;
  status: number;
  detail: string;
  retryAfter?: string | string[] | undefined;
  /** Set when the target cannot take this request at all (e.g. a field its dialect cannot express). */
  refusal?: GatewayError | undefined;
}

function upstreamMessage(body: Buffer): string {
  if (body.length === 0) return '';
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: { message?: unknown } | string; message?: unknown };
    const message =
      typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message ?? undefined);
    if (typeof message === 'string') return message.slice(0, 300);
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return body.toString('utf8', 0, Math.min(body.length, 200));
}

function summarise(failures: readonly Failure[]): string {
  const parts = failures.map(
    (f) =>
      `${f.target.provider.name} ${f.status > 0 ? `${f.status} ` : ''}(${f.errorClass}${f.detail ? `: ${f.detail}` : ''})`,
  );
  return `all ${failures.length} ${failures.length === 1 ? 'target' : 'targets'} failed: ${parts.join(', ')}`;
}

function finalStatus(last: Failure): number {
  if (last.status === 429 || last.status >= 500) return last.status;
  if (last.errorClass === 'timeout') return 504;
  return 502;
}

function failureOutcome(
  failures: Failure[],
  attempts: AttemptRecord[],
): { ok: false; error: GatewayError; attempts: AttemptRecord[] } {
  const last = failures[failures.length - 1];
  if (last?.refusal) return { ok: false, error: last.refusal, attempts };
  if (last && failures.every((f) => f.errorClass === 'not_configured')) {
    return {
      ok: false,
      error: errors.providerNotConfigured(last.target.provider.name, last.target.provider.apiKeyEnv),
      attempts,
    };
  }
  const status = last ? finalStatus(last) : 502;
  const retryAfter = typeof last?.retryAfter === 'string' ? { 'retry-after': last.retryAfter } : undefined;
  return { ok: false, error: errors.upstreamFailed(summarise(failures), status, { headers: retryAfter }), attempts };
}

/**
 * Ordered fallback: tries each target in turn until one gives a final answer. A failure moves on to the next
 * target only when its class is in the model's `fallback_on` (provider authentication failures always move
 * on: they are the gateway's misconfiguration, never the client's fault). Any other upstream response,
 * success or a client error such as 400, is final and returned as it is.
 */
export async function routeRequest<R extends UpstreamReply>(
  route: ModelRoute,
  send: AttemptSender<R>,
  options: RouteOptions = {},
): Promise<RouteOutcome<R>> {
  const attempts: AttemptRecord[] = [];
  const failures: Failure[] = [];
  for (const [index, target] of route.targets.entries()) {
    const record = (status: number, latencyMs: number, errorClass?: ErrorClass, error?: string) =>
      attempts.push({ provider: target.provider.name, model: target.model, status, errorClass, error, latencyMs });
    if (!target.provider.configured) {
      record(0, 0, 'not_configured', 'no API key');
      failures.push({ target, errorClass: 'not_configured', status: 0, detail: 'no API key' });
      continue;
    }
    const started = performance.now();
    let reply: R;
    try {
      reply = await send(target, attempts.length);
    } catch (error) {
      if (error instanceof GatewayError) {
        // This target cannot serve the request as written; another target (another dialect) may.
        record(0, 0, 'client_error', error.message);
        failures.push({ target, errorClass: 'client_error', status: 0, detail: error.message, refusal: error });
        continue;
      }
      const errorClass = classifyError(error);
      const detail = describeError(error);
      record(0, performance.now() - started, errorClass, detail);
      failures.push({ target, errorClass, status: 0, detail });
      if (errorClass === 'cancelled' || options.isCancelled?.() || !route.fallbackOn.has(errorClass)) break;
      continue;
    }
    const latencyMs = performance.now() - started;
    if (reply.status < 400) {
      record(reply.status, latencyMs);
      return { ok: true, reply, target, mode: index === 0 ? 'direct' : 'fallback', attempts };
    }
    const errorClass = classifyStatus(reply.status);
    if (!route.fallbackOn.has(errorClass) && errorClass !== 'auth') {
      record(reply.status, latencyMs, errorClass);
      return { ok: true, reply, target, mode: index === 0 ? 'direct' : 'fallback', attempts };
    }
    const detail = upstreamMessage(await readErrorBody(reply));
    record(reply.status, latencyMs, errorClass, detail || undefined);
    failures.push({ target, errorClass, status: reply.status, detail, retryAfter: reply.headers['retry-after'] });
    if (options.isCancelled?.()) break;
  }
  return failureOutcome(failures, attempts);
}
