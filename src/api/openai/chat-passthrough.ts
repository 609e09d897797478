import { unreportedStreamUsage } from '../../cost/produced-estimate.js';
import type { RouteTarget } from '../../routing/route-table.js';
import type { UpstreamReply } from '../../routing/upstream-reply.js';
import type { ClientOutput } from '../shared/client-output.js';
import { finalAfterError } from '../shared/final-event.js';
import { relayError, relayWhole } from '../shared/passthrough.js';
import { pipeBody } from '../shared/pipe-body.js';
import { sseHeaders } from '../shared/sse-headers.js';
import { streamFailureMessage } from '../shared/stream-failure.js';
import { forwardedBody } from '../shared/upstream-body.js';
import type { UpstreamPlan } from '../shared/upstream-plan.js';
import { ChatStreamTap } from './chat-stream-tap.js';
import { findUsageObject, fromOpenAIUsage } from './openai-usage.js';

/** The OpenAI stream error event: the SDKs raise it as an APIError instead of ending "successfully". */
export function openaiStreamErrorEvent(message: string, code = 'GW_ERR_UPSTREAM_STREAM'): string {
  return `data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code } })}\n\n`;
}

const DONE_EVENT = 'data: [DONE]\n\n';

async function relayStream(reply: UpstreamReply, out: ClientOutput, stripUsageChunk: boolean): Promise<void> {
  out.head(reply.status, sseHeaders());
  const tap = new ChatStreamTap(stripUsageChunk);
  try {
    await pipeBody(reply.body, out, (chunk) => finalAfterError(tap.push(chunk), tap, reply, out), reply.head);
    // Nothing follows a final error event (finalAfterError), not even an unterminated last event.
    const rest = out.exchange.finalEventSent ? undefined : tap.end();
    if (rest) out.write(rest);
    // The upstream's own error event already told the client; another one would only hide its message.
    if (tap.upstreamError !== undefined) out.exchange.streamError = `upstream stream error: ${tap.upstreamError}`;
    else if (!tap.sawDone && !out.gone) {
      if (!tap.sawFinish) throw new Error('upstream stream ended without [DONE]');
      // A whole answer from a server that ends its streams without the sentinel: the client gets the one an
      // OpenAI stream ends with.
      out.write(DONE_EVENT);
    }
  } catch (error) {
    if (out.exchange.finalEventSent) out.exchange.streamError = `upstream stream error: ${tap.upstreamError}`;
    else {
      const message = streamFailureMessage(out, error);
      out.exchange.streamError = message;
      if (!out.gone) out.write(openaiStreamErrorEvent(message, out.exchange.error?.code));
    }
  }
  // A stream cut before its usage chunk is billed for the chunks it produced, flagged as an estimate; one the
  // client left before any content for the prompt the upstream read.
  out.exchange.usage = tap.usage ?? unreportedStreamUsage(tap.deltaChunks, out.gone, out.exchange.requestRaw);
  out.end();
}

function recordUsage(out: ClientOutput, tail: Buffer): void {
  out.exchange.usage = fromOpenAIUsage(findUsageObject(tail));
}

/** Relays a non-streamed answer; one routing read whole is sent with no promise made. */
function relayJson(reply: UpstreamReply, out: ClientOutput): Promise<void> | undefined {
  const tail = relayWhole(reply, out);
  if (tail instanceof Promise) return tail.then((bytes) => recordUsage(out, bytes));
  recordUsage(out, tail);
  return undefined;
}

/**
 * Same dialect in and out: the body goes upstream with only `model` rewritten (and, for streams, usage
 * requested), and the answer comes back byte for byte.
 */
export function chatPassthroughPlan(
  body: Record<string, unknown>,
  raw: Buffer,
  target: RouteTarget,
  stream: boolean,
): UpstreamPlan {
  const options = body.stream_options as { include_usage?: unknown } | undefined | null;
  const clientWantsUsage = options?.include_usage === true;
  const askForUsage = stream && !clientWantsUsage && target.provider.config.stream_usage;
  return {
    path: target.provider.chatPath(target.model, stream),
    body: forwardedBody(body, raw, target.model, askForUsage),
    readAhead: stream ? 'first-event' : 'whole',
    respond: stream ? (reply, out) => relayStream(reply, out, askForUsage) : relayJson,
    respondError: relayError,
  };
}
