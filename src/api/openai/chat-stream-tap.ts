import type { TokenUsage } from '../../telemetry/request-record.js';
import { SseFramer } from '../../upstream/sse-framer.js';
import { parseSseEvents } from '../../upstream/sse-parse.js';
import { findUsageObject, fromOpenAIUsage } from './openai-usage.js';

const USAGE_OBJECT = /"usage"\s*:\s*\{/;

/**
 * Watches an OpenAI chat stream as it is forwarded byte for byte: picks the usage from the final chunk and,
 * when the gateway (not the client) asked for `include_usage`, drops that extra usage-only chunk. Only events
 * that carry a usage object are decoded; every other byte passes through untouched.
 */
export class ChatStreamTap {
  private readonly framer = new SseFramer();
  usage: TokenUsage | null = null;
  sawDone = false;

  constructor(private readonly stripUsageChunk: boolean) {}

  push(chunk: Buffer): Buffer | undefined {
    const complete = this.framer.push(chunk);
    if (!complete) return undefined;
    if (complete.includes('[DONE]')) this.sawDone = true;
    const text = complete.includes('"usage"') ? complete.toString('utf8') : undefined;
    if (text === undefined || !USAGE_OBJECT.test(text)) return complete;
    return this.inspect(complete, text);
  }

  /** Whatever was left unframed at the end of the upstream body. */
  end(): Buffer | undefined {
    const rest = this.framer.end();
    if (!rest) return undefined;
    if (rest.includes('[DONE]')) this.sawDone = true;
    return rest.includes('"usage"') ? this.inspect(rest, rest.toString('utf8')) : rest;
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
