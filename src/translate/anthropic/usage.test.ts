import { describe, expect, it } from 'vitest';
import type { IrUsage } from '../ir/types.js';
import { fixtureEvents, fixtureJson } from './fixtures/load-fixture.js';
import { usageFromAnthropicEvent, usageFromAnthropicMessage, usageToAnthropic } from './usage.js';

function tap(name: string): IrUsage | undefined {
  let usage: IrUsage | undefined;
  for (const event of fixtureEvents(name)) usage = usageFromAnthropicEvent(event, usage) ?? usage;
  return usage;
}

describe('Anthropic usage', () => {
  it('taps exact totals from a passthrough stream: input from message_start, output from message_delta', () => {
    expect(tap('text-stream.sse')).toEqual({
      inputTokens: 25,
      outputTokens: 15,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
    expect(tap('tool-use-stream.sse')).toEqual({
      inputTokens: 472,
      outputTokens: 89,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
  });

  it('adds cache reads and writes to the input total and lets later cumulative counters replace earlier ones', () => {
    expect(tap('cached-usage-stream.sse')).toEqual({
      inputTokens: 2360,
      outputTokens: 57,
      cacheReadTokens: 2048,
      cacheWriteTokens: 300,
    });
  });

  it('keeps the cache counts of message_start when message_delta repeats only input_tokens', () => {
    const start = usageFromAnthropicEvent({
      event: 'message_start',
      data: '{"type":"message_start","message":{"usage":{"input_tokens":10,"cache_read_input_tokens":90,"output_tokens":1}}}',
    });
    const end = usageFromAnthropicEvent(
      { event: 'message_delta', data: '{"type":"message_delta","usage":{"input_tokens":10,"output_tokens":7}}' },
      start,
    );
    expect(end).toEqual({ inputTokens: 100, outputTokens: 7, cacheReadTokens: 90, cacheWriteTokens: 0 });
  });

  it('ignores events without usage and does not parse content deltas', () => {
    expect(usageFromAnthropicEvent({ event: 'ping', data: '{"type": "ping"}' })).toBeUndefined();
    expect(usageFromAnthropicEvent({ event: 'content_block_delta', data: 'not even json' })).toBeUndefined();
    expect(usageFromAnthropicEvent({ event: 'message_delta', data: 'broken' })).toBeUndefined();
  });

  it('reads a Message JSON body', () => {
    expect(usageFromAnthropicMessage(fixtureJson('message-tool-use.json'))).toEqual({
      inputTokens: 150,
      outputTokens: 87,
      cacheReadTokens: 120,
      cacheWriteTokens: 0,
    });
    expect(usageFromAnthropicMessage({ id: 'x' })).toBeUndefined();
  });

  it('subtracts cache tokens on the way out and never reports negative input', () => {
    expect(usageToAnthropic({ inputTokens: 150, outputTokens: 3, cacheReadTokens: 120, cacheWriteTokens: 10 })).toEqual(
      {
        input_tokens: 20,
        cache_creation_input_tokens: 10,
        cache_read_input_tokens: 120,
        output_tokens: 3,
      },
    );
    expect(usageToAnthropic({ cacheReadTokens: 5 }).input_tokens).toBe(0);
  });
});
