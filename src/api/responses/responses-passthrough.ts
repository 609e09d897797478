import type { RouteTarget } from '../../routing/route-table.js';
import type { UpstreamReply } from '../../routing/upstream-reply.js';
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

/** A Responses stream error event, as OpenAI sends it: the SDKs raise it instead of ending quietly. */
function responsesErrorEvent(message: string, code: string): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', code, message, param: null })}\n\n`;
}

async function relayStream(reply: UpstreamReply, out: ClientOutput): Promise<void> {
  out.head(reply.status, sseHeaders());
  let tail: Buffer = Buffer.alloc(0);
  const keepTail = (chunk: Buffer): Buffer => {
    const joined = tail.length === 0 ? chunk : Buffer.concat([tail, chunk]);
    tail = joined.length > TAIL_BYTES ? joined.subarray(joined.length - TAIL_BYTES) : joined;
    return chunk;
  };
  try {
    await pipeBody(reply.body, out, keepTail, reply.head);
    if (!COMPLETED.test(tail.toString('latin1')) && !out.gone) {
      throw new Error('upstream stream ended without response.completed');
    }
  } catch (error) {
    const message = streamFailureMessage(out, error);
    out.exchange.streamError = message;
    if (!out.gone) out.write(responsesErrorEvent(message, out.exchange.error?.code ?? 'GW_ERR_UPSTREAM_STREAM'));
  }
  out.exchange.usage = fromOpenAIUsage(findUsageObject(tail));
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
