import { estimatedUsage, tokensOfText } from '../../cost/produced-estimate.js';
import type { StreamFraming } from '../../providers/provider-descriptor.js';
import type { UpstreamReply } from '../../routing/upstream-reply.js';
import { log } from '../../server/log.js';
import type { TokenUsage } from '../../telemetry/request-record.js';
import type { ClientStreamEncoder, UpstreamStreamDecoder } from '../../translate/contract.js';
import { tokenUsageOf } from '../../translate/ir/token-usage.js';
import type { IrStreamEvent, IrUsage } from '../../translate/ir/types.js';
import { EventStreamDecoder } from '../../upstream/eventstream-decoder.js';
import { SseDecoder } from '../../upstream/sse-decoder.js';
import type { SseEvent } from '../../upstream/sse-parse.js';
import type { ClientOutput } from './client-output.js';
import { pipeBody } from './pipe-body.js';
import { sseHeaders } from './sse-headers.js';
import { streamFailureMessage } from './stream-failure.js';

/**
 * Relays an upstream stream in another dialect: each upstream chunk is decoded to IR events and encoded to the
 * client's events as it arrives. A failure after the first byte ends the client stream with its dialect's error
 * event, never a silent truncation.
 */
export async function relayTranslatedStream(
  reply: UpstreamReply,
  out: ClientOutput,
  decoder: UpstreamStreamDecoder,
  encoder: ClientStreamEncoder,
  framing: StreamFraming = 'sse',
): Promise<void> {
  const exchange = out.exchange;
  const sse = framing === 'sse' ? new SseDecoder() : new EventStreamDecoder();
  let failed = false;
  // Until the final usage arrives: what the start event reported and how much text was produced, so a stream
  // cut short is billed for what it consumed (flagged as an estimate).
  let startUsage: Partial<IrUsage> | undefined;
  let producedChars = 0;
  const encodeEvents = (events: readonly IrStreamEvent[]): string => {
    let text = '';
    for (const event of events) {
      if (failed) break;
      if (event.type === 'text_delta' || event.type === 'thinking_delta') producedChars += event.text.length;
      else if (event.type === 'tool_args_delta') producedChars += event.json.length;
      else if (event.type === 'start') startUsage = event.usage;
      else if (event.type === 'finish') {
        if (event.usageMissing) {
          // Never bill (or tell the client) zero for what was produced: the estimate, flagged as one.
          exchange.usage = estimatedUsage(
            startUsage && usageOfStart(startUsage),
            tokensOfText(producedChars),
            exchange.requestRaw,
          );
          text += encodeOne({ ...event, usage: irUsageOf(exchange.usage) });
          continue;
        }
        exchange.usage = tokenUsageOf(event.usage);
      }
      if (event.type === 'error') {
        failed = true;
        exchange.streamError = `upstream stream failed: ${event.message}`;
      }
      text += encodeOne(event);
      if (failed) exchange.finalEventSent = true;
    }
    return text;
  };
  // The encoder is the gateway's own code: if it throws, the upstream is not to blame.
  const encodeOne = (event: IrStreamEvent): string => {
    try {
      return encoder.encode(event);
    } catch (error) {
      exchange.internalFault = true;
      throw error;
    }
  };
  // Plain loops, no flatMap: this runs for every network read of every translated stream.
  const translate = (sseEvents: readonly SseEvent[]): string => {
    let text = '';
    for (const sseEvent of sseEvents) text += encodeEvents(decoder.decode(sseEvent));
    return text;
  };
  out.head(reply.status, sseHeaders());
  try {
    await pipeBody(
      reply.body,
      out,
      (chunk) => {
        try {
          // One Buffer for the whole read: a string would be measured twice more on its way out (here for the
          // record's byte count, and by node:http for its chunk length) and encoded by the socket write anyway.
          const text = translate(sse.push(chunk));
          // Nothing follows the client's error event: stop reading, and end the response now rather than
          // when the upstream gets round to closing.
          if (failed) reply.body.destroy();
          return text ? Buffer.from(text) : undefined;
        } catch (error) {
          reply.body.destroy(error as Error);
          return undefined;
        }
      },
      reply.head,
    );
    const rest = translate(sse.end()) + encodeEvents(decoder.end());
    if (rest && !out.gone) out.write(rest);
  } catch (error) {
    // The relay's own stop after the client's error event leaves that event's message the record's.
    if (!exchange.finalEventSent) reportBrokenStream(out, encoder, error, failed);
  }
  const missing = exchange.usage === null || (reportsNothing(exchange.usage) && producedChars > 0);
  // A client that hung up before the first token still had its prompt read by the upstream (and, for a reasoning
  // model, thought about): billed for that estimate, not recorded as nothing while its budget kept the reservation.
  if (missing && (producedChars > 0 || startUsage !== undefined || out.gone)) {
    exchange.usage = estimatedUsage(
      startUsage && usageOfStart(startUsage),
      tokensOfText(producedChars),
      exchange.requestRaw,
    );
  }
  out.end();
}

/** Records why the stream broke after it started and, unless the client already has one, sends its error event. */
function reportBrokenStream(out: ClientOutput, encoder: ClientStreamEncoder, error: unknown, failed: boolean): void {
  const exchange = out.exchange;
  if (exchange.internalFault) {
    log.error('stream translation failed inside the gateway', {
      request_id: exchange.id,
      error: String((error as Error)?.stack ?? error),
    });
    exchange.streamError = 'internal gateway error';
    if (!failed && !out.gone)
      out.write(encoder.encode({ type: 'error', kind: 'internal', message: 'internal gateway error' }));
  } else {
    const message = streamFailureMessage(out, error);
    exchange.streamError = message;
    const kind = exchange.error?.kind ?? 'upstream';
    if (!failed && !out.gone) out.write(encoder.encode({ type: 'error', kind, message }));
  }
}

/** An upstream that sent no usage at all: its decoder finishes with zeros, which would bill the stream as free. */
function reportsNothing(usage: TokenUsage): boolean {
  return usage.inputTokens === 0 && usage.outputTokens === 0;
}

/** Telemetry usage (an estimate) as the IR usage a client's finish event carries. */
function irUsageOf(usage: TokenUsage): IrUsage {
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cacheReadTokens: usage.cachedTokens,
    cacheWriteTokens: usage.cacheWriteTokens,
  };
}

/** The start event's partial IR usage in telemetry terms. */
function usageOfStart(usage: Partial<IrUsage>): Partial<TokenUsage> {
  return {
    inputTokens: usage.inputTokens,
    cachedTokens: usage.cacheReadTokens,
    cacheWriteTokens: usage.cacheWriteTokens,
    outputTokens: usage.outputTokens,
  };
}
