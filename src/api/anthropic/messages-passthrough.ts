import { estimatedUsage, tokensOfText } from '../../cost/produced-estimate.js';
import type { RouteTarget } from '../../routing/route-table.js';
import type { UpstreamReply } from '../../routing/upstream-reply.js';
import type { TokenUsage } from '../../telemetry/request-record.js';
import { anthropicUpstreamCodec } from '../../translate/anthropic/codec.js';
import { usageFromAnthropic } from '../../translate/anthropic/usage.js';
import { tokenUsageOf } from '../../translate/ir/token-usage.js';
import { findUsageObject } from '../openai/openai-usage.js';
import type { ClientOutput } from '../shared/client-output.js';
import type { Exchange } from '../shared/exchange.js';
import { finalAfterError } from '../shared/final-event.js';
import { relayBody, relayError } from '../shared/passthrough.js';
import { pipeBody } from '../shared/pipe-body.js';
import { sendError } from '../shared/send-error.js';
import { sseHeaders } from '../shared/sse-headers.js';
import { streamFailureMessage } from '../shared/stream-failure.js';
import { translatedUpstreamError } from '../shared/translated-error.js';
import { forwardedBody } from '../shared/upstream-body.js';
import type { UpstreamPlan } from '../shared/upstream-plan.js';
import { anthropicStreamErrorEvent } from './anthropic-error.js';
import { MessagesStreamTap } from './messages-stream-tap.js';
import { passthroughEdits } from './system-messages.js';

/** The client's own anthropic-version and anthropic-beta go upstream with its bytes (it expects that format). */
export function anthropicClientHeaders(exchange: Exchange): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  const version = exchange.clientHeaders['anthropic-version'];
  const beta = exchange.clientHeaders['anthropic-beta'];
  if (typeof version === 'string' && version) headers['anthropic-version'] = version;
  if (typeof beta === 'string' && beta) headers['anthropic-beta'] = beta;
  else if (Array.isArray(beta)) headers['anthropic-beta'] = beta.join(',');
  return Object.keys(headers).length > 0 ? headers : undefined;
}

async function relayStream(reply: UpstreamReply, out: ClientOutput): Promise<void> {
  out.head(reply.status, sseHeaders());
  const tap = new MessagesStreamTap();
  try {
    await pipeBody(reply.body, out, (chunk) => finalAfterError(tap.push(chunk), tap, reply, out), reply.head);
    // Nothing follows a final error event (finalAfterError), not even an unterminated last event.
    const rest = out.exchange.finalEventSent ? undefined : tap.end();
    if (rest) out.write(rest);
    if (tap.upstreamError) out.exchange.streamError = `upstream stream error: ${tap.upstreamError}`;
    else if (!tap.sawStop && !out.gone) throw new Error('upstream stream ended without message_stop');
  } catch (error) {
    if (out.exchange.finalEventSent) out.exchange.streamError = `upstream stream error: ${tap.upstreamError}`;
    else {
      const message = streamFailureMessage(out, error);
      out.exchange.streamError = message;
      if (!out.gone) out.write(anthropicStreamErrorEvent(message));
    }
  }
  out.exchange.usage = streamUsage(tap, out.exchange.requestRaw, out.gone);
  out.end();
}

/**
 * What the stream used: the final counts when message_delta came; else (a stream cut short) message_start's
 * input counts with the output estimated from the text produced, flagged as an estimate.
 */
function streamUsage(tap: MessagesStreamTap, requestBody: Uint8Array | undefined, gone: boolean): TokenUsage | null {
  if (tap.usage && tap.sawFinalUsage) return tokenUsageOf(tap.usage);
  // A client that left has had its prompt read: estimated, never nothing (see proxy.ts for one that left earlier).
  if (!tap.usage && tap.producedChars === 0 && !gone) return null;
  return estimatedUsage(tap.usage && tokenUsageOf(tap.usage), tokensOfText(tap.producedChars), requestBody);
}

async function relayJson(reply: UpstreamReply, out: ClientOutput): Promise<void> {
  const usage = findUsageObject(await relayBody(reply, out));
  if (usage) out.exchange.usage = tokenUsageOf(usageFromAnthropic(usage));
}

/**
 * An error from Claude on Vertex AI, in Anthropic's shape whatever shape it came in. Vertex's own front answers
 * quota, permission and not-found errors in Google's shape (`{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}`),
 * which an Anthropic client cannot read as an Anthropic error; Claude's own errors keep their type and message.
 */
export async function vertexError(reply: UpstreamReply, out: ClientOutput): Promise<void> {
  sendError(out, await translatedUpstreamError(reply, anthropicUpstreamCodec));
}

/**
 * Same dialect in and out: the client's bytes go upstream with only `model` rewritten (and unsigned thinking
 * taken out, system messages moved into `system`: see passthroughEdits); the answer comes back as is.
 */
export function messagesPassthroughPlan(
  body: Record<string, unknown>,
  raw: Buffer,
  target: RouteTarget,
  exchange: Exchange,
  stream: boolean,
): UpstreamPlan {
  const reshape = target.provider.descriptor.upstreamBody;
  const cleaned = passthroughEdits(body, raw);
  const sent = cleaned ?? body;
  return {
    path: target.provider.chatPath(target.model, stream),
    // Claude on Vertex takes the model in the path and a version in the body, so its body is rebuilt.
    body: reshape
      ? JSON.stringify(reshape({ ...sent, model: target.model }, target.dialect, target.provider.config))
      : cleaned
        ? JSON.stringify({ ...cleaned, model: target.model })
        : forwardedBody(body, raw, target.model),
    readAhead: stream ? 'first-event' : 'whole',
    extraHeaders: anthropicClientHeaders(exchange),
    respond: stream ? relayStream : relayJson,
    respondError: target.provider.config.type === 'vertex' ? vertexError : relayError,
  };
}
