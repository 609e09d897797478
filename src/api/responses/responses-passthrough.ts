import { unreportedStreamUsage } from '../../cost/produced-estimate.js';
import type { RouteTarget } from '../../routing/route-table.js';
import type { UpstreamReply } from '../../routing/upstream-reply.js';
import { SseRelayFramer } from '../../upstream/sse-relay-framer.js';
import { findUsageObject, fromOpenAIUsage } from '../openai/openai-usage.js';
import type { ClientOutput } from '../shared/client-output.js';
import { relayBody, relayError } from '../shared/passthrough.js';
import { pipeBody } from '../shared/pipe-body.js';
import { sseHeaders } from '../shared/sse-headers.js';
import { streamFailureMessage } from '../shared/stream-failure.js';
import { forwardedBody } from '../shared/upstream-body.js';
import type { UpstreamPlan } from '../shared/upstream-plan.js';
import { mayHoldGatewayReasoning, withoutGatewayReasoning } from './gateway-reasoning.js';

/** The end of a Responses stream kept to find usage in: `response.completed` carries it last. */
const TAIL_BYTES = 16 * 1024;
const COMPLETED = /"type"\s*:\s*"response\.(?:completed|incomplete|failed)"/;

/** A delta event's type (`response.output_text.delta`, `response.function_call_arguments.delta`, ...). */
const DELTA = /"type"\s*:\s*"response\.[a-z_.]+\.delta"/g;
/** Longer than any delta type with its key, so a split one is found in the next chunk. */
const CARRY = 96;

/** A Responses stream error event, as OpenAI sends it: the SDKs raise it instead of ending quietly. */
function responsesErrorEvent(message: string, code: string): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', code, message, param: null })}\n\n`;
}

async function relayStream(reply: UpstreamReply, out: ClientOutput): Promise<void> {
  out.head(reply.status, sseHeaders());
  let tail: Buffer = Buffer.alloc(0);
  // Delta events seen (text, reasoning, tool arguments): a cut stream's output estimate, one token each, as a
  // same-dialect Chat Completions stream counts its delta chunks. The last bytes before a chunk are searched
  // with it, so an event split across two chunks is still counted (once: only matches ending in the chunk).
  let deltas = 0;
  let carry = '';
  // Whole events only, as the Chat and Messages passthroughs forward them (see SseRelayFramer). The tail, where
  // the end and the usage are looked for, is of what was forwarded: a last event cut inside its data is not, and
  // its type alone (early in its data) is no response.completed the client got.
  const framer = new SseRelayFramer();
  const keepTail = (forwarded: Buffer | undefined): Buffer | undefined => {
    if (forwarded === undefined) return undefined;
    const joined = tail.length === 0 ? forwarded : Buffer.concat([tail, forwarded]);
    tail = joined.length > TAIL_BYTES ? joined.subarray(joined.length - TAIL_BYTES) : joined;
    return forwarded;
  };
  const relay = (chunk: Buffer): Buffer | undefined => {
    const text = carry + chunk.toString('latin1');
    for (const match of text.matchAll(DELTA)) if (match.index + match[0].length > carry.length) deltas++;
    carry = text.length > CARRY ? text.slice(text.length - CARRY) : text;
    return keepTail(framer.push(chunk));
  };
  try {
    await pipeBody(reply.body, out, relay, reply.head);
    const rest = keepTail(framer.end());
    if (rest) out.write(rest);
    if (!COMPLETED.test(tail.toString('latin1')) && !out.gone) {
      throw new Error('upstream stream ended without response.completed');
    }
  } catch (error) {
    const message = streamFailureMessage(out, error);
    out.exchange.streamError = message;
    if (!out.gone) out.write(responsesErrorEvent(message, out.exchange.error?.code ?? 'GW_ERR_UPSTREAM_STREAM'));
  }
  // A stream cut before response.completed (the client left, the upstream broke) is billed for the prompt the
  // upstream read and the deltas it produced, flagged as an estimate; never recorded as nothing.
  out.exchange.usage =
    fromOpenAIUsage(findUsageObject(tail)) ?? unreportedStreamUsage(deltas, out.gone, out.exchange.requestRaw);
  out.end();
}

async function relayJson(reply: UpstreamReply, out: ClientOutput): Promise<void> {
  out.exchange.usage = fromOpenAIUsage(findUsageObject(await relayBody(reply, out)));
}

/**
 * A Responses request to a provider with its own Responses API (Azure): the client's bytes go upstream with only
 * `model` rewritten to the deployment (and reasoning in the gateway's envelope taken out, see
 * gateway-reasoning.ts), and the answer, stream or JSON, comes back byte for byte.
 */
export function responsesPassthroughPlan(
  body: Record<string, unknown>,
  raw: Buffer,
  target: RouteTarget,
  path: string,
  stream: boolean,
): UpstreamPlan {
  const cleaned = mayHoldGatewayReasoning(raw) ? withoutGatewayReasoning(body) : undefined;
  return {
    path,
    body: cleaned ? JSON.stringify({ ...cleaned, model: target.model }) : forwardedBody(body, raw, target.model),
    readAhead: stream ? 'first-event' : 'whole',
    respond: stream ? relayStream : relayJson,
    respondError: relayError,
  };
}
