import { describe, expect, it } from 'vitest';
import { ChatStreamTap } from './chat-stream-tap.js';

const chunk = (content: string) =>
  `data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":null}],"usage":null}\n\n`;
const usageChunk =
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":4}}}\n\n';

describe('ChatStreamTap', () => {
  it('forwards content bytes unchanged', () => {
    const tap = new ChatStreamTap(true);
    expect(tap.push(Buffer.from(chunk('Hi')))?.toString()).toBe(chunk('Hi'));
  });

  it('takes usage from the final chunk and drops that chunk when the client did not ask for it', () => {
    const tap = new ChatStreamTap(true);
    const out = tap.push(Buffer.from(`${chunk('Hi')}${usageChunk}data: [DONE]\n\n`))?.toString();
    expect(out).toBe(`${chunk('Hi')}data: [DONE]\n\n`);
    expect(tap.usage).toEqual({ inputTokens: 9, outputTokens: 3, cachedTokens: 4, cacheWriteTokens: 0 });
    expect(tap.sawDone).toBe(true);
  });

  it('drops events that name an event but carry no data, and only those, with the usage chunk it strips', () => {
    const tap = new ChatStreamTap(true);
    const named = 'event: delta\ndata: {"choices":[]}\n\n';
    const block = `event: ping\n\n${chunk('Hi')}: comment\n\nevent: keepalive\r\n\r\n${named}${usageChunk}event: x\n\n`;
    expect(tap.push(Buffer.from(block))?.toString()).toBe(`${chunk('Hi')}: comment\n\n${named}`);
  });

  it('keeps the usage chunk when the client asked for it', () => {
    const tap = new ChatStreamTap(false);
    expect(tap.push(Buffer.from(usageChunk))?.toString()).toBe(usageChunk);
    expect(tap.usage?.inputTokens).toBe(9);
  });

  it('handles a usage chunk split across network reads and spaced JSON from other servers', () => {
    const tap = new ChatStreamTap(true);
    const spaced = 'data: {"choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 2}}\n\n';
    expect(tap.push(Buffer.from(spaced.slice(0, 20)))).toBeUndefined();
    expect(tap.push(Buffer.from(spaced.slice(20)))?.toString()).toBe('');
    expect(tap.usage).toMatchObject({ inputTokens: 5, outputTokens: 2 });
  });

  it('notes the message of an in-band error event and forwards the event unchanged', () => {
    const tap = new ChatStreamTap(true);
    const error =
      'data: {"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}\n\n';
    expect(tap.push(Buffer.from(`${chunk('Hi')}${error}`))?.toString()).toBe(`${chunk('Hi')}${error}`);
    expect(tap.upstreamError).toBe('The server had an error');
    expect(tap.sawDone).toBe(false);
  });

  it('does not take content that merely mentions "error" for an error event', () => {
    const tap = new ChatStreamTap(true);
    tap.push(Buffer.from(chunk('error')));
    expect(tap.upstreamError).toBeUndefined();
  });
});

describe('ChatStreamTap on a whole stream in one read', () => {
  const stream = `${chunk('a')}${chunk('[DONE]')}${chunk('b')}${usageChunk}data: [DONE]\n\n`;

  it('drops only the usage chunk from the middle of a block and counts only the real [DONE]', () => {
    const tap = new ChatStreamTap(true);
    const early = new ChatStreamTap(true);
    expect(tap.push(Buffer.from(stream))?.toString()).toBe(
      `${chunk('a')}${chunk('[DONE]')}${chunk('b')}data: [DONE]\n\n`,
    );
    expect(tap.usage).toEqual({ inputTokens: 9, outputTokens: 3, cachedTokens: 4, cacheWriteTokens: 0 });
    expect(tap.sawDone).toBe(true);
    early.push(Buffer.from(chunk('[DONE]')));
    expect(early.sawDone).toBe(false);
  });

  it('reads usage from a content chunk that carries it without dropping that chunk', () => {
    const tap = new ChatStreamTap(true);
    const last =
      'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":2,"completion_tokens":1}}\r\n\r\n';
    expect(tap.push(Buffer.from(`${chunk('a')}${last}`))?.toString()).toBe(`${chunk('a')}${last}`);
    expect(tap.usage).toMatchObject({ inputTokens: 2, outputTokens: 1 });
  });

  it('keeps multi-byte text intact around a dropped chunk', () => {
    const tap = new ChatStreamTap(true);
    const text = `${chunk('héllo — 世界 🦊')}${usageChunk}${chunk('ça va')}`;
    expect(tap.push(Buffer.from(text))?.toString()).toBe(`${chunk('héllo — 世界 🦊')}${chunk('ça va')}`);
  });
});

describe('ChatStreamTap on a stream that closes without [DONE]', () => {
  const finish =
    'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n';

  it('finds the finish_reason behind the usage chunk and what carries no data after it', () => {
    // One event a read, then a keep-alive comment, a dataless event or a stray line end before the close: none
    // of them is a chunk, so the finish chunk is still the last before the usage.
    for (const after of [': keep-alive\n\n', 'event: ping\n\n', '\n', '\r\n']) {
      const tap = new ChatStreamTap(true);
      for (const read of [chunk('Hi'), finish, usageChunk, after]) tap.push(Buffer.from(read));
      tap.end();
      expect(tap.sawFinish, JSON.stringify(after)).toBe(true);
    }
  });

  it('does not take a finish chunk cut inside its data, which is not forwarded, for a finish', () => {
    const tap = new ChatStreamTap(true);
    for (const read of [chunk('Hi'), finish.slice(0, -4)]) tap.push(Buffer.from(read));
    expect(tap.end()).toBeUndefined();
    expect(tap.sawFinish).toBe(false);
  });

  it('does not take a stream cut before its finish_reason for a whole one', () => {
    const tap = new ChatStreamTap(true);
    for (const read of [chunk('Hi'), chunk('there'), ': keep-alive\n\n', '\n']) tap.push(Buffer.from(read));
    tap.end();
    expect(tap.sawFinish).toBe(false);
  });
});
