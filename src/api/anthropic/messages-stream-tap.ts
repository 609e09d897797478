import { usageFromAnthropicEvent } from '../../translate/anthropic/usage.js';
import type { IrUsage } from '../../translate/ir/types.js';
import { SseFramer } from '../../upstream/sse-framer.js';
import { parseSseEvents } from '../../upstream/sse-parse.js';

const MESSAGE_STOP = /"type"\s*:\s*"message_stop"/;
const USAGE_KEY = Buffer.from('"usage"');
const ERROR_EVENT = Buffer.from('event: error');
const STOP_WORD = Buffer.from('message_stop');

/**
 * Watches an Anthropic Messages stream forwarded byte for byte: decodes only the events that carry usage or an
 * error (a literal `"usage"` key cannot occur inside a JSON string, whose quotes are escaped), and notes whether
 * `message_stop` arrived, so a stream cut short is never taken for a complete one.
 */
export class MessagesStreamTap {
  private readonly framer = new SseFramer();
  usage: IrUsage | undefined;
  sawStop = false;
  upstreamError: string | undefined;

  push(chunk: Buffer): Buffer | undefined {
    const complete = this.framer.push(chunk);
    if (complete) this.inspect(complete);
    return complete;
  }

  end(): Buffer | undefined {
    const rest = this.framer.end();
    if (rest) this.inspect(rest);
    return rest;
  }

  private inspect(bytes: Buffer): void {
    // Buffer needles: string needles are converted on every call, and this runs on every chunk.
    const hasUsage = bytes.indexOf(USAGE_KEY) !== -1;
    const hasError = bytes.indexOf(ERROR_EVENT) !== -1;
    if (hasUsage || hasError || bytes.indexOf(STOP_WORD) !== -1) {
      const text = bytes.toString('utf8');
      if (MESSAGE_STOP.test(text)) this.sawStop = true;
      if (!hasUsage && !hasError) return;
      for (const event of parseSseEvents(text)) {
        if (event.event === 'error') this.upstreamError = errorMessage(event.data);
        else this.usage = usageFromAnthropicEvent(event, this.usage) ?? this.usage;
      }
    }
  }
}

function errorMessage(data: string): string {
  try {
    const parsed = JSON.parse(data) as { error?: { type?: string; message?: string } };
    return `${parsed.error?.type ?? 'error'}: ${parsed.error?.message ?? ''}`;
  } catch {
    return data.slice(0, 200);
  }
}
