import { EventEmitter } from 'node:events';
import type { GatewayError } from '../../errors/gateway-error.js';
import { routeRequest } from '../../routing/route-request.js';
import type { ModelRoute, RouteTarget } from '../../routing/route-table.js';
import type { UpstreamReply } from '../../routing/upstream-reply.js';
import type { ClientOutput } from './client-output.js';
import type { UpstreamPlan } from './upstream-plan.js';

interface PlannedReply extends UpstreamReply {
  plan: UpstreamPlan;
}

/** undici accepts an EventEmitter as an abort signal; cheaper than an AbortController per request. */
class CancelSignal extends EventEmitter {
  aborted = false;
  cancel(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
}

/**
 * Routes a request across the model's targets and relays the chosen answer: the path every routed entry
 * point shares. Returns the gateway error to send when no target produced an answer.
 */
export async function proxyToUpstream(
  out: ClientOutput,
  route: ModelRoute,
  planFor: (target: RouteTarget) => UpstreamPlan,
): Promise<GatewayError | undefined> {
  const exchange = out.exchange;
  const timeouts = exchange.snapshot.config.routing.timeout;
  const signal = new CancelSignal();
  const onClientClose = () => {
    if (!out.res.writableFinished) signal.cancel();
  };
  out.res.once('close', onClientClose);

  const send = async (target: RouteTarget): Promise<PlannedReply> => {
    const plan = planFor(target);
    const provider = target.provider;
    const response = await provider.pool.request({
      path: provider.basePath + plan.path,
      method: 'POST',
      headers: plan.extraHeaders ? { ...provider.headers, ...plan.extraHeaders } : provider.headers,
      body: plan.body,
      headersTimeout: timeouts.first_byte_ms,
      bodyTimeout: timeouts.idle_stream_ms,
      signal,
    });
    return { status: response.statusCode, headers: response.headers, body: response.body, plan };
  };

  try {
    const outcome = await routeRequest(route, send, { isCancelled: () => signal.aborted });
    exchange.attempts = outcome.attempts;
    if (!outcome.ok) return outcome.error;
    exchange.provider = outcome.target.provider.name;
    exchange.upstreamModel = outcome.target.model;
    exchange.routeMode = outcome.mode;
    const { reply } = outcome;
    if (reply.status >= 400) await reply.plan.respondError(reply, out);
    else await reply.plan.respond(reply, out);
    return undefined;
  } finally {
    out.res.off('close', onClientClose);
  }
}
