import { errors } from '../../errors/codes.js';
import type { ModelRoute, RouteTarget } from '../../routing/route-table.js';
import { readUpstreamBody, type UpstreamReply } from '../../routing/upstream-reply.js';
import { parseAnthropicRequest } from '../../translate/anthropic/request-from-client.js';
import { inputTokenParts } from '../../translate/ir/token-estimate.js';
import type { ClientOutput } from '../shared/client-output.js';
import type { EntryPointSpec } from '../shared/entry-point.js';
import { fieldKind } from '../shared/large-body.js';
import { relayBody, relayError } from '../shared/passthrough.js';
import { proxyToUpstream } from '../shared/proxy.js';
import { requireModel } from '../shared/read-body.js';
import { resolveRoute } from '../shared/resolve-route.js';
import { forwardedBody } from '../shared/upstream-body.js';
import type { UpstreamPlan } from '../shared/upstream-plan.js';
import { anthropicClientHeaders } from './messages-passthrough.js';
import { countTextsInSlices } from './sliced-count.js';

type CountText = (text: string) => number;

const COUNTED_FIELDS = ['model', 'messages', 'system', 'tools', 'tool_choice', 'thinking'] as const;
let tokenizer: Promise<CountText> | undefined;

/** o200k_base, loaded on first use only: it costs ~200 ms and tens of MB, and the chat path never needs it. */
function loadTokenizer(): Promise<CountText> {
  tokenizer ??= import('gpt-tokenizer/encoding/o200k_base').then(
    (module) => (text: string) => module.countTokens(text),
  );
  return tokenizer;
}

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
  const refused = async (reply: UpstreamReply, client: ClientOutput) => {
    if (!NO_COUNT_ENDPOINT.has(reply.status)) return relayError(reply, client);
    await readUpstreamBody(reply);
    return estimate(client, body);
  };
  return {
    path: countPathOf(target) as string,
    body: forwardedBody(body, raw, target.model),
    readAhead: 'whole',
    extraHeaders: anthropicClientHeaders(out.exchange),
    respond: relay,
    respondError: refused,
  };
}

async function estimate(out: ClientOutput, body: Record<string, unknown>): Promise<void> {
  // Only the fields that carry input count; count_tokens takes no max_tokens, so the parser gets one that any
  // thinking budget fits under. Fields an estimate cannot use (e.g. context_management) are ignored, not refused.
  const counted: Record<string, unknown> = { max_tokens: Number.MAX_SAFE_INTEGER };
  for (const field of COUNTED_FIELDS) if (body[field] !== undefined) counted[field] = body[field];
  const request = parseAnthropicRequest(counted);
  const count = await loadTokenizer();
  // Tokenizing is ~40 µs per KB: counted in slices, a large body never holds up other requests.
  const { overhead, texts } = inputTokenParts(request);
  const payload = JSON.stringify({ input_tokens: overhead + (await countTextsInSlices(texts, count)) });
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
  if (counting.length === 0) return estimate(out, request);
  const exactRoute: ModelRoute = { ...route, targets: counting };
  out.res.setHeader('x-gateway-token-count', 'exact');
  const error = await proxyToUpstream(out, exactRoute, (target) => countPlan(request, raw as Buffer, target, out));
  // No provider could count: an estimate is more use to the client than an error.
  if (error) await estimate(out, request);
}

/** POST /v1/messages/count_tokens */
export const countTokens: EntryPointSpec = {
  entryPoint: 'messages.count_tokens',
  dialect: 'anthropic',
  method: 'POST',
  handle,
};
