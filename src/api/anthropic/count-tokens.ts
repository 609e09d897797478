import { errors } from '../../errors/codes.js';
import type { ModelRoute, RouteTarget } from '../../routing/route-table.js';
import { readUpstreamBody, type UpstreamReply } from '../../routing/upstream-reply.js';
import type { ClientOutput } from '../shared/client-output.js';
import type { EntryPointSpec } from '../shared/entry-point.js';
import { estimateOffThread, fieldKind, isLazyBody } from '../shared/large-body.js';
import { relayBody, relayError } from '../shared/passthrough.js';
import { proxyToUpstream } from '../shared/proxy.js';
import { requireModel } from '../shared/read-body.js';
import { resolveRoute } from '../shared/resolve-route.js';
import { forwardedBody } from '../shared/upstream-body.js';
import type { UpstreamPlan } from '../shared/upstream-plan.js';
import { anthropicClientHeaders, vertexError } from './messages-passthrough.js';
import { passthroughEdits } from './system-messages.js';

/** Statuses of an Anthropic-compatible API that has no count endpoint (DeepSeek, Kimi and others answer 404). */
const NO_COUNT_ENDPOINT = new Set([404, 405]);

/** Where a target counts tokens: the type's per-model path (Claude on Vertex), else its fixed endpoint. */
function countPathOf(target: RouteTarget): string | undefined {
  const descriptor = target.provider.descriptor;
  return descriptor.countTokensPath
    ? descriptor.countTokensPath(target.model, target.provider.config)
    : descriptor.endpoints.countTokens;
}

function countPlan(body: Record<string, unknown>, raw: Buffer, target: RouteTarget, out: ClientOutput): UpstreamPlan {
  const relay = (reply: UpstreamReply, client: ClientOutput) => relayBody(reply, client).then(() => undefined);
  // Vertex answers some refusals in Google's shape; see vertexError.
  const relayRefusal = target.provider.config.type === 'vertex' ? vertexError : relayError;
  const refused = async (reply: UpstreamReply, client: ClientOutput) => {
    if (!NO_COUNT_ENDPOINT.has(reply.status)) return relayRefusal(reply, client);
    await readUpstreamBody(reply);
    return estimate(client, body, raw);
  };
  // Counted as the same request would be sent (system messages moved into `system`, see system-messages.ts).
  const edited = passthroughEdits(body, raw);
  return {
    path: countPathOf(target) as string,
    body: edited ? JSON.stringify({ ...edited, model: target.model }) : forwardedBody(body, raw, target.model),
    readAhead: 'whole',
    extraHeaders: anthropicClientHeaders(out.exchange),
    respond: relay,
    respondError: refused,
  };
}

/**
 * The local estimate, always made on the parser thread: loading the tokenizer's table blocks for 100–200 ms and
 * holds tens of MB, which the main thread (serving everyone else) never pays. A large body moves there and is
 * parsed there; a small one goes as a copy, since its bytes may still be read here (the request log).
 */
async function estimate(out: ClientOutput, body: Record<string, unknown>, raw: Buffer | undefined): Promise<void> {
  const bytes = raw !== undefined && isLazyBody(body) ? raw : Buffer.from(raw ?? JSON.stringify(body));
  const tokens = await estimateOffThread(bytes);
  const payload = JSON.stringify({ input_tokens: tokens });
  out.head(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-gateway-token-count': 'estimate',
  });
  out.end(payload);
}

/**
 * Exact where the model has an Anthropic target or Claude on Vertex (the request goes to its count endpoint, with fallback
 * across such targets); otherwise a documented local estimate, marked `x-gateway-token-count: estimate`. An
 * Anthropic-compatible API without the endpoint (a 404) gets the estimate too, not the 404.
 */
async function handle(
  out: ClientOutput,
  body: Record<string, unknown> | undefined,
  raw: Buffer | undefined,
): Promise<void> {
  const request = body as Record<string, unknown>;
  const route = resolveRoute(out.exchange, requireModel(request));
  if (fieldKind(request, 'messages') !== 'array') throw errors.invalidBody('messages: field required', 'messages');
  const counting = route.targets.filter((t) => countPathOf(t) !== undefined && t.provider.configured);
  if (counting.length === 0) return estimate(out, request, raw);
  const exactRoute: ModelRoute = { ...route, targets: counting };
  out.res.setHeader('x-gateway-token-count', 'exact');
  const error = await proxyToUpstream(out, exactRoute, (target) => countPlan(request, raw as Buffer, target, out));
  // No provider could count: an estimate is more use to the client than an error.
  if (error) await estimate(out, request, raw);
}

/** POST /v1/messages/count_tokens */
export const countTokens: EntryPointSpec = {
  entryPoint: 'messages.count_tokens',
  dialect: 'anthropic',
  method: 'POST',
  handle,
};
