import { describe, expect, it } from 'vitest';
import { MessagesStreamTap } from './messages-stream-tap.js';

const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
const start = event('message_start', {
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    content: [],
    usage: { input_tokens: 7, cache_read_input_tokens: 3, output_tokens: 1 },
  },
});
const delta = (text: string) =>
  event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
const messageDelta = event('message_delta', {
  type: 'message_delta',
  delta: { stop_reason: 'end_turn', stop_sequence: null },
  usage: { output_tokens: 5 },
});
const stop = event('message_stop', { type: 'message_stop' });

describe('MessagesStreamTap', () => {
  it('forwards every byte and reads usage from message_start and message_delta in one block', () => {
    const tap = new MessagesStreamTap();
    const stream = `${start}${delta('Hi')}${messageDelta}${stop}`;
    expect(tap.push(Buffer.from(stream))?.toString()).toBe(stream);
    expect(tap.usage).toEqual({ inputTokens: 10, outputTokens: 5, cacheReadTokens: 3, cacheWriteTokens: 0 });
    expect(tap.sawStop).toBe(true);
  });

  it('does not take text that quotes a message_stop event for the end of the stream', () => {
    const tap = new MessagesStreamTap();
    tap.push(Buffer.from(`${start}${delta('{"type":"message_stop"}')}`));
    expect(tap.sawStop).toBe(false);
  });

  it('notes an error event and reads events split across reads', () => {
    const tap = new MessagesStreamTap();
    const error = event('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    const text = `${start}${error}`;
    expect(tap.push(Buffer.from(text.slice(0, 40)))).toBeUndefined();
    tap.push(Buffer.from(text.slice(40)));
    expect(tap.upstreamError).toBe('overloaded_error: Overloaded');
    expect(tap.usage?.inputTokens).toBe(10);
  });

  it('measures the text a cut stream produced, escaped quotes included, and knows the final count never came', () => {
    const tap = new MessagesStreamTap();
    tap.push(Buffer.from(`${start}${delta('say "hi"')}${delta('12345678')}`));
    expect(tap.sawFinalUsage).toBe(false);
    // 'say \"hi\"' is 10 characters on the wire, '12345678' is 8.
    expect(tap.producedChars).toBe(18);
    tap.push(Buffer.from(messageDelta));
    expect(tap.sawFinalUsage).toBe(true);
  });

  it('does not take a message_stop cut inside its data, which is not forwarded, for the stop', () => {
    const tap = new MessagesStreamTap();
    for (const read of [start, delta('Hi'), messageDelta, stop.slice(0, -3)]) tap.push(Buffer.from(read));
    expect(tap.end()).toBeUndefined();
    expect(tap.sawStop).toBe(false);
  });
});
