import type { TokenUsage } from '../../telemetry/request-record.js';
import { SseFramer } from '../../upstream/sse-framer.js';
import { parseSseEvents } from '../../upstream/sse-parse.js';
import { findUsageObject, fromOpenAIUsage } from './openai-usage.js';

const USAGE_OBJECT = /"usage"\s*:\s*\{/;
const DONE = Buffer.from('[DONE]');
const USAGE_KEY = Buffer.from('"usage"');
const ERROR_KEY = Buffer.from('"error"');
const OPEN_BRACE = 0x7b;
const QUOTE = 0x22;

/**
 * True when `key` occurs as a JSON key whose value starts with one of `starts` (a literal `"key"` cannot occur
 * inside a JSON string, whose quotes are escaped). Buffer needles and a byte check: this runs on every chunk of
 * every stream, and the string searches plus a regex over each chunk's text cost ~10% of a stream's CPU.
 */
function keyWithValue(bytes: Buffer, key: Buffer, starts: readonly number[]): boolean {
  for (let at = bytes.indexOf(key); at !== -1; at = bytes.indexOf(key, at + key.length)) {
    let i = at + key.length;
    while (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09) i++;
    if (bytes[i] !== 0x3a /* : */) continue;
    i++;
    while (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09) i++;
    if (starts.includes(bytes[i] as number)) return true;
  }
  return false;
}

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
    return complete ? this.look(complete) : undefined;
  }

  /** Whatever was left unframed at the end of the upstream body. */
  end(): Buffer | undefined {
    const rest = this.framer.end();
    return rest ? this.look(rest) : undefined;
  }

  private look(bytes: Buffer): Buffer {
    if (bytes.indexOf(DONE) !== -1) this.sawDone = true;
    if (keyWithValue(bytes, ERROR_KEY, [OPEN_BRACE, QUOTE])) this.noteError(bytes);
    return keyWithValue(bytes, USAGE_KEY, [OPEN_BRACE]) ? this.inspect(bytes, bytes.toString('utf8')) : bytes;
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
