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
