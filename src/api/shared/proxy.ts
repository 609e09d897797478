import { estimatedUsage } from '../../cost/produced-estimate.js';
import { errors } from '../../errors/codes.js';
import type { GatewayError } from '../../errors/gateway-error.js';
import { estimateTokens } from '../../routing/limits/request-estimate.js';
import type { ModelRoute, RouteTarget } from '../../routing/route-table.js';
import type { UpstreamReply } from '../../routing/upstream-reply.js';
import { log } from '../../server/log.js';
import { genAiProviderName } from '../../telemetry/gen-ai-provider-name.js';
import type { AttemptTarget } from '../../telemetry/tracing/request-tracer.js';
import { CancelSignal } from '../../upstream/cancel-signal.js';
import { decodedBody } from '../../upstream/content-decoding.js';
import { scrubbedBody } from '../../upstream/scrubbed-body.js';
import type { ClientOutput } from './client-output.js';
import type { Exchange } from './exchange.js';
import { admitToLimits } from './limit-gate.js';
import type { UpstreamPlan } from './upstream-plan.js';

interface PlannedReply extends UpstreamReply {
  plan: UpstreamPlan;
}

/**
 * A route target as its attempt spans name it, made once per target of a config snapshot rather than once per
 * attempt: a traced request holds its attempts' targets until it ends, through the young collections it lives
 * across.
 */
const attemptTargets = new WeakMap<RouteTarget, AttemptTarget>();

function attemptTarget(target: RouteTarget): AttemptTarget {
  let named = attemptTargets.get(target);
  if (named === undefined) {
    const provider = target.provider;
    named = {
      provider: provider.name,
      providerType: genAiProviderName(provider.config),
      model: target.model,
      origin: provider.origin,
    };
    attemptTargets.set(target, named);
  }
  return named;
}

/**
 * A client that hung up while its request was with an upstream, before any answer came back: the upstream has
 * read the prompt and bills it, and a non-streamed request may well be answered in full after the gateway left
 * (nothing tells the model to stop). Recorded as that target's, with the estimate its limits reserved: the input
 * from the request body and, when not streamed, the output up to the client's cap (max_tokens, else the default
 * reservation); a stream, which ends when its connection does, none. Flagged `usageEstimated`.
 */
function billAbandonedAttempt(exchange: Exchange, target: RouteTarget): void {
  exchange.provider = target.provider.name;
  exchange.upstreamModel = target.model;
  const raw = exchange.requestRaw;
  let body = exchange.requestBody;
  if (body === undefined && raw !== undefined) {
    try {
      body = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
    } catch {
      // Not JSON: the default output reservation.
    }
  }
  const reserved = estimateTokens(exchange.requestBytes, body, raw);
  exchange.usage = estimatedUsage(undefined, exchange.stream ? 0 : reserved.output, raw);
}

/**
 * Routes a request across the model's targets and relays the chosen answer: the path every routed entry
 * point shares. Returns the gateway error to send when no target produced an answer.
 */
export async function proxyToUpstream(
  out: ClientOutput,
  route: ModelRoute,
  planFor: (target: RouteTarget) => UpstreamPlan | Promise<UpstreamPlan>,
): Promise<GatewayError | undefined> {
  const exchange = out.exchange;
  const admission = admitToLimits(exchange, route);
  if (admission !== undefined) {
    const refused = await admission;
    if (refused) return refused;
  }
  const routing = exchange.snapshot.config.routing;
  const timeouts = routing.timeout;
  const { router, deadlines } = exchange.services;
  const signal = new CancelSignal();
  exchange.cancel = signal;
  const onClientClose = () => {
    // A response the gateway destroyed itself (its upstream body broke mid-relay) closes too: not the client's;
    // nor is the close of a client that read the stream's final (error) event (the relay stops reading then).
    if (!out.res.writableFinished && !exchange.responseCut && !exchange.finalEventSent) signal.cancel('client-gone');
  };
  // `on`, not `once` (which wraps the listener in two objects): the finally below removes it.
  out.res.on('close', onClientClose);
  deadlines.add(signal, exchange.time + timeouts.total_ms);
  // Attempts whose cached token was refused and replaced (401/403, then sent once more): their records say so.
  const renewedAttempts: number[] = [];
  // The target the current attempt's request was handed to (the upstream's connection pool), once it was.
  let sentTo: RouteTarget | undefined;

  const send = async (target: RouteTarget, attemptIndex: number): Promise<PlannedReply> => {
    // Until this attempt's request is handed over (a plan or a token may still be awaited), nothing is with it.
    sentTo = undefined;
    // A plan comes as a promise only when a large body is translated on the worker; the rest skip the await.
    const planned = planFor(target);
    const plan = planned instanceof Promise ? await planned : planned;
    const provider = target.provider;
    const path = provider.basePath + plan.path;
    // Object.assign, not spread: in Node 20's V8 each property a spread copy gains goes through the runtime
    // (~0.85 us a copy against ~0.03; bench/tracer-headers.mjs).
    const base = plan.extraHeaders ? Object.assign({}, provider.headers, plan.extraHeaders) : provider.headers;
    // Trace context travels upstream only while tracing is on; otherwise the shared header object goes as is.
    let sent = exchange.trace ? exchange.trace.startAttempt(attemptTarget(target), attemptIndex, base) : base;
    const unsigned = sent;
    const authorize = provider.authorize;
    let firstByteMs = timeouts.first_byte_ms;
    // Only types that sign requests or refresh tokens have an authorizer; OpenAI and Anthropic skip this.
    if (authorize) {
      // Waiting for a token counts against the attempt's first byte, so a stalled token endpoint falls back
      // as promptly as a stalled upstream; the client leaving or the total deadline end the wait too.
      const authorized = authorize(
        { method: 'POST', path, headers: unsigned, body: plan.body },
        { signal, timeoutMs: firstByteMs },
      );
      if (authorized instanceof Promise) {
        const started = Date.now();
        sent = await authorized;
        firstByteMs = Math.max(1, firstByteMs - (Date.now() - started));
      } else {
        // Signed in this turn (SigV4): nothing waited, nothing to take off the first-byte budget.
        sent = authorized;
      }
    }
    const request = {
      path,
      method: 'POST',
      headers: sent,
      body: plan.body,
      headersTimeout: firstByteMs,
      bodyTimeout: timeouts.idle_stream_ms,
      signal,
    };
    sentTo = target;
    let response = await provider.pool.request(request);
    if ((response.statusCode === 401 || response.statusCode === 403) && authorize?.refused?.(sent, response.headers)) {
      // A revoked or expired cached token (or a SigV4 signature refused for a clock off the service's): sent once
      // more with a fresh one, within this attempt, never again.
      response.body.on('error', () => undefined).resume();
      renewedAttempts.push(attemptIndex);
      log.info('the upstream refused a cached access token; sending once more with a fresh one', {
        request_id: exchange.id,
        provider: provider.name,
        status: response.statusCode,
      });
      // The refused request was not taken (nothing to bill) until the fresh token's is handed over.
      sentTo = undefined;
      request.headers = await authorize(
        { method: 'POST', path, headers: unsigned, body: plan.body },
        { signal, timeoutMs: timeouts.first_byte_ms },
      );
      sentTo = target;
      response = await provider.pool.request(request);
    }
    const decoded = decodedBody(response.headers, response.body);
    // The one place upstream bytes enter: what a provider echoes of its key is gone before anything reads it.
    const body = scrubbedBody(decoded.body, provider.secrets);
    const reply: PlannedReply = {
      status: response.statusCode,
      headers: decoded.headers,
      body,
      readAhead: plan.readAhead,
      plan,
    };
    if (plan.failedAnswer) reply.failedAnswer = plan.failedAnswer;
    return reply;
  };

  try {
    const stickyKey = exchange.sessionId
      ? `${exchange.client}\u0000${route.name}\u0000${exchange.sessionId}`
      : undefined;
    const outcome = await router.route(route, routing, send, {
      cancellation: signal,
      stickyKey,
      requestId: exchange.id,
    });
    exchange.attempts = outcome.attempts;
    for (const index of renewedAttempts) {
      const record = outcome.attempts[index];
      if (record) record.tokenRenewed = true;
    }
    exchange.trace?.settleAttempts(outcome.attempts);
    if (!outcome.ok) {
      if (signal.cancelReason === 'client-gone' && sentTo && outcome.attempts.at(-1)?.errorClass === 'cancelled') {
        billAbandonedAttempt(exchange, sentTo);
      }
      if (signal.cancelReason === 'deadline') return errors.totalTimeout(timeouts.total_ms);
      if (signal.cancelReason === 'shutdown') return errors.shuttingDown();
      return outcome.error;
    }
    exchange.provider = outcome.target.provider.name;
    exchange.upstreamModel = outcome.target.model;
    exchange.routeMode = outcome.mode;
    const { reply } = outcome;
    const responding = reply.status >= 400 ? reply.plan.respondError(reply, out) : reply.plan.respond(reply, out);
    if (responding) await responding;
    // Neither a client leaving, the gateway stopping nor the operator's total time limit (a cut of an answer
    // still arriving; a stalled one is caught by first_byte_ms / idle_stream_ms) says anything about the
    // target: as for a non-streamed answer the deadline cancels, whose attempt is `cancelled`. Decided by what
    // broke the body (`cutBy`, set when it failed), not by the signal now: a cancel that came after the
    // upstream broke, or the close of a response the gateway cut, does not hide the upstream's failure.
    const cutBy = exchange.cutBy;
    if (cutBy === 'deadline' && exchange.streamError) exchange.answeringAttemptCancelled();
    if (exchange.streamError && cutBy === undefined && !exchange.clientGone && !exchange.internalFault) {
      router.recordStreamFailure(outcome.target, routing, exchange.streamError);
      exchange.upstreamStreamFailed();
    }
    return undefined;
  } finally {
    deadlines.delete(signal);
    out.res.off('close', onClientClose);
  }
}
