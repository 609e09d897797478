import type { TokenUsage } from '../../telemetry/request-record.js';
import { SseFramer } from '../../upstream/sse-framer.js';
import { parseSseEvents } from '../../upstream/sse-parse.js';
import { findUsageObject, fromOpenAIUsage } from './openai-usage.js';

const USAGE_OBJECT = /"usage"\s*:\s*\{/;

/**
 * Watches an OpenAI chat stream as it is forwarded byte for byte: picks the usage from the final chunk and,
 * when the gateway (not the client) asked for `include_usage`, drops that extra usage-only chunk, and notes an
 * in-band `{"error": ...}` event (the stream's own failure report, which the client has then already received).
 * Only events that carry a usage object or an error are decoded; every other byte passes through untouched.
 */
export class ChatStreamTap {
  private readonly framer = new SseFramer();
  usage: TokenUsage | null = null;
  sawDone = false;
  /** The message of the upstream's in-band error event, when it sent one. */
  upstreamError: string | undefined;

  constructor(private readonly stripUsageChunk: boolean) {}

  push(chunk: Buffer): Buffer | undefined {
    const complete = this.framer.push(chunk);
    if (!complete) return undefined;
    if (complete.includes('[DONE]')) this.sawDone = true;
    if (complete.includes('"error"')) this.noteError(complete);
    const text = complete.includes('"usage"') ? complete.toString('utf8') : undefined;
    if (text === undefined || !USAGE_OBJECT.test(text)) return complete;
    return this.inspect(complete, text);
  }

  /** Whatever was left unframed at the end of the upstream body. */
  end(): Buffer | undefined {
    const rest = this.framer.end();
    if (!rest) return undefined;
    if (rest.includes('[DONE]')) this.sawDone = true;
    if (rest.includes('"error"')) this.noteError(rest);
    return rest.includes('"usage"') ? this.inspect(rest, rest.toString('utf8')) : rest;
  }

  private noteError(bytes: Buffer): void {
    for (const event of parseSseEvents(bytes.toString('utf8'))) {
      const message = errorMessage(event.data);
      if (message !== undefined) this.upstreamError ??= message;
    }
  }

  private inspect(raw: Buffer, text: string): Buffer {
    const usage = findUsageObject(raw);
    if (usage) this.usage = fromOpenAIUsage(usage);
    if (!this.stripUsageChunk) return raw;
    // Re-frame only this block, dropping the usage-only chunk (empty choices) the client did not ask for.
    const kept: string[] = [];
    for (const block of text.split(/(?<=\r\n\r\n|\n\n|\r\r)/)) {
      if (!USAGE_OBJECT.test(block)) {
        kept.push(block);
        continue;
      }
      const event = parseSseEvents(block)[0];
      try {
        const data = JSON.parse(event?.data ?? '') as { choices?: unknown[] | null };
        if (!Array.isArray(data.choices) || data.choices.length === 0) continue;
      } catch {
        // Not JSON: forward as it is.
      }
      kept.push(block);
    }
    return Buffer.from(kept.join(''), 'utf8');
  }
}

/** The message of a `{"error": ...}` event (OpenAI's object form, or the plain string some servers send). */
function errorMessage(data: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  const error = (parsed as { error?: unknown } | null)?.error;
  if (error === undefined || error === null) return undefined;
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' ? message : JSON.stringify(error).slice(0, 200);
}
