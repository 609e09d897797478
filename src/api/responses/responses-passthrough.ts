import { unreportedStreamUsage } from '../../cost/produced-estimate.js';
import type { RouteTarget } from '../../routing/route-table.js';
import type { UpstreamReply } from '../../routing/upstream-reply.js';
import { eventSpanAt } from '../../upstream/sse-event-span.js';
import { parseSseEvents } from '../../upstream/sse-parse.js';
import { SseRelayFramer } from '../../upstream/sse-relay-framer.js';
import { findUsageObject, fromOpenAIUsage } from '../openai/openai-usage.js';
import type { ClientOutput } from '../shared/client-output.js';
import { finalAfterError } from '../shared/final-event.js';
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

/**
 * The stream's own failure reports: an `error` event (`{"type":"error","code","message"}`) and the final
 * `response.failed` (its `response.error`). A quoted key and value cannot occur inside a JSON string (whose
 * quotes are escaped); an object nested in another event that has them is told apart when decoded.
 */
const FAILURE_TYPE = /"type"\s*:\s*"(?:error|response\.failed)"/;

interface FailureEvent {
  type?: unknown;
  message?: unknown;
  response?: { error?: { message?: unknown } | null };
}

/**
 * What a failure event says: its message, else its error's JSON; undefined for any other event. Never a
 * response.failed event's own JSON: its response holds the instructions and the output so far, and bodies are
 * not recorded.
 */
function failureMessage(data: FailureEvent | undefined): string | undefined {
  if (data?.type === 'error')
    return typeof data.message === 'string' ? data.message : JSON.stringify(data).slice(0, 200);
  if (data?.type !== 'response.failed') return undefined;
  const error = data.response?.error;
  if (typeof error?.message === 'string') return error.message;
  return error ? JSON.stringify(error).slice(0, 200) : 'response.failed without an error';
}

/** The message of the failure event in a block of whole events and where that event ends, when it holds one. */
function upstreamErrorIn(events: Buffer): { message: string; end: number } | undefined {
  const text = events.toString('latin1');
  for (const match of text.matchAll(new RegExp(FAILURE_TYPE.source, 'g'))) {
    const span = eventSpanAt(text, match.index);
    const event = parseSseEvents(events.toString('utf8', span.start, span.end))[0];
    let data: FailureEvent | undefined;
    try {
      data = JSON.parse(event?.data ?? '') as FailureEvent;
    } catch {
      continue;
    }
    const message = failureMessage(data);
    if (message !== undefined) return { message, end: span.end };
  }
  return undefined;
}

/**
 * The error event for a stream the gateway ends (the upstream broke, shutdown, the total time limit): the
 * documented flat fields and the nested `error` the translated streams carry too (translate/responses/
 * stream-error.ts). The openai SDK raises an APIError only for an event with a top-level `error`; without it the
 * SDK handed the event over and ended the stream like a whole one.
 */
function responsesErrorEvent(message: string, code: string): string {
  const error = { type: 'server_error', code, message, param: null };
  return `event: error\ndata: ${JSON.stringify({ type: 'error', code, message, param: null, error })}\n\n`;
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
  // The upstream's error event (or response.failed) ends its stream, as in the Chat and Messages passthroughs
  // (see final-event.ts), and is the record's error.
  const tap: { upstreamError: string | undefined } = { upstreamError: undefined };
  let errorSeen = false;
  const relay = (chunk: Buffer): Buffer | undefined => {
    const text = carry + chunk.toString('latin1');
    for (const match of text.matchAll(DELTA)) if (match.index + match[0].length > carry.length) deltas++;
    carry = text.length > CARRY ? text.slice(text.length - CARRY) : text;
    // The chunk's text (with the carry, for an event type split across reads) says whether one is coming; its
    // whole event, once framed, is decoded. Other streams pay one regex test a read.
    if (!errorSeen) errorSeen = FAILURE_TYPE.test(text);
    const events = framer.push(chunk);
    if (!errorSeen || events === undefined) return keepTail(events);
    const failure = upstreamErrorIn(events);
    if (failure === undefined) return keepTail(events);
    tap.upstreamError = failure.message;
    // The failure event ends the stream: whatever the same read holds after it is not forwarded.
    return keepTail(finalAfterError(events.subarray(0, failure.end), tap, reply, out));
  };
  try {
    await pipeBody(reply.body, out, relay, reply.head);
    // Nothing follows a final error event (finalAfterError), not even an unterminated last event.
    const rest = out.exchange.finalEventSent ? undefined : keepTail(framer.end());
    if (rest) out.write(rest);
    if (tap.upstreamError !== undefined) out.exchange.streamError = `upstream stream error: ${tap.upstreamError}`;
    else if (!COMPLETED.test(tail.toString('latin1')) && !out.gone) {
      throw new Error('upstream stream ended without response.completed');
    }
  } catch (error) {
    if (out.exchange.finalEventSent) out.exchange.streamError = `upstream stream error: ${tap.upstreamError}`;
    else {
      const message = streamFailureMessage(out, error);
      out.exchange.streamError = message;
      if (!out.gone) out.write(responsesErrorEvent(message, out.exchange.error?.code ?? 'GW_ERR_UPSTREAM_STREAM'));
    }
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
