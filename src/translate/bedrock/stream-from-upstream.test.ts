import { describe, expect, it } from 'vitest';
import type { IrStreamEvent } from '../ir/types.js';
import { decodeBedrockResponse } from './response-from-upstream.js';
import { bedrockFailedAnswer } from './stop-reason.js';
import { BedrockStreamDecoder } from './stream-from-upstream.js';

function decodeAll(messages: ReadonlyArray<[string, string]>): IrStreamEvent[] {
  const decoder = new BedrockStreamDecoder('us.amazon.nova-2-lite-v1:0');
  return [...messages.flatMap(([event, data]) => decoder.decode({ event, data })), ...decoder.end()];
}

const usage = '{"usage":{"inputTokens":5,"outputTokens":3,"totalTokens":8},"metrics":{"latencyMs":10}}';

describe('BedrockStreamDecoder', () => {
  it('copies text deltas as Bedrock writes them, padding or not, and parses the rest', () => {
    const events = decodeAll([
      ['messageStart', '{"role":"assistant","p":"abc"}'],
      ['contentBlockDelta', '{"contentBlockIndex":0,"delta":{"text":"Hel"},"p":"abcdefghijk"}'],
      ['contentBlockDelta', '{"contentBlockIndex":0,"delta":{"text":"lo \\"w\\u00f6rld\\"\\n"}}'],
      ['contentBlockDelta', '{"delta":{"text":"!"},"contentBlockIndex":0}'],
      ['contentBlockStop', '{"contentBlockIndex":0,"p":"ab"}'],
      ['messageStop', '{"stopReason":"end_turn","p":"abcd"}'],
      ['metadata', usage],
    ]);
    expect(events).toEqual([
      { type: 'start', id: '', model: 'us.amazon.nova-2-lite-v1:0' },
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'Hel', quoted: '"Hel"' },
      { type: 'text_delta', index: 0, text: 'lo "wörld"\n', quoted: '"lo \\"w\\u00f6rld\\"\\n"' },
      { type: 'text_delta', index: 0, text: '!' },
      { type: 'block_stop', index: 0 },
      {
        type: 'finish',
        stopReason: 'end_turn',
        usage: { inputTokens: 5, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    ]);
  });

  it('opens a text block on its first shaped delta after a tool call, at the next IR index', () => {
    const events = decodeAll([
      ['messageStart', '{"role":"assistant"}'],
      ['contentBlockStart', '{"contentBlockIndex":0,"start":{"toolUse":{"toolUseId":"t1","name":"f"}}}'],
      ['contentBlockDelta', '{"contentBlockIndex":0,"delta":{"toolUse":{"input":"{}"}}}'],
      ['contentBlockStop', '{"contentBlockIndex":0}'],
      ['contentBlockDelta', '{"contentBlockIndex":1,"delta":{"text":"done"},"p":"x"}'],
      ['messageStop', '{"stopReason":"tool_use"}'],
      ['metadata', usage],
    ]);
    expect(events.slice(3, 6)).toEqual([
      { type: 'block_stop', index: 0 },
      { type: 'block_start', index: 1, block: { type: 'text' } },
      { type: 'text_delta', index: 1, text: 'done', quoted: '"done"' },
    ]);
    expect(events.at(-2)).toEqual({ type: 'block_stop', index: 1 });
  });

  it('refuses a text delta that is not valid JSON', () => {
    const decoder = new BedrockStreamDecoder('us.amazon.nova-2-lite-v1:0');
    decoder.decode({ event: 'messageStart', data: '{"role":"assistant"}' });
    const data = '{"contentBlockIndex":0,"delta":{"text":"a"},"p":"a-b"';
    expect(() => decoder.decode({ event: 'contentBlockDelta', data })).toThrow(SyntaxError);
  });

  it.each(['malformed_tool_use', 'malformed_model_output'])('ends a stream stopped with %s with an error', (reason) => {
    const events = decodeAll([
      ['messageStart', '{"role":"assistant"}'],
      ['contentBlockDelta', '{"contentBlockIndex":0,"delta":{"text":"Let me"}}'],
      ['contentBlockStop', '{"contentBlockIndex":0}'],
      ['messageStop', `{"stopReason":"${reason}"}`],
      ['metadata', usage],
    ]);
    expect(events.at(-1)).toEqual({
      type: 'error',
      kind: 'upstream',
      message: `Bedrock ended the answer with stopReason ${reason}`,
    });
    expect(events.some((event) => event.type === 'finish')).toBe(false);
  });
});

describe('a Converse stop reason that does not fit the answer', () => {
  const call = [
    ['contentBlockStart', '{"contentBlockIndex":0,"start":{"toolUse":{"toolUseId":"t1","name":"Bash"}}}'],
    ['contentBlockDelta', '{"contentBlockIndex":0,"delta":{"toolUse":{"input":"{}"}}}'],
    ['contentBlockStop', '{"contentBlockIndex":0}'],
  ] as const;
  const text = [['contentBlockDelta', '{"contentBlockIndex":0,"delta":{"text":"Done."}}']] as const;
  const stopOf = (events: IrStreamEvent[]) => events.find((event) => event.type === 'finish')?.stopReason;
  const streamed = (blocks: ReadonlyArray<readonly [string, string]>, reason: string) =>
    stopOf(
      decodeAll([
        ['messageStart', '{"role":"assistant"}'],
        ...blocks.map(([event, data]) => [event, data] as [string, string]),
        ['messageStop', `{"stopReason":"${reason}"}`],
        ['metadata', usage],
      ]),
    );
  const whole = (content: unknown[], stopReason: string) =>
    decodeBedrockResponse({ output: { message: { role: 'assistant', content } }, stopReason }, 'm').stopReason;

  it('reads a turn that called a tool as tool use, whatever Converse said', () => {
    expect(streamed(call, 'end_turn')).toBe('tool_use');
    expect(whole([{ toolUse: { toolUseId: 't1', name: 'Bash', input: {} } }], 'end_turn')).toBe('tool_use');
    expect(streamed(call, 'max_tokens')).toBe('max_tokens');
  });

  it('reads a turn that called no tool as its end, not tool use', () => {
    expect(streamed(text, 'tool_use')).toBe('end_turn');
    expect(whole([{ text: 'Done.' }], 'tool_use')).toBe('end_turn');
  });
});

describe('a whole Converse answer with a broken stop', () => {
  const answer = {
    output: { message: { role: 'assistant', content: [{ text: 'Let me' }] } },
    stopReason: 'malformed_tool_use',
    usage: { inputTokens: 5, outputTokens: 3, totalTokens: 8 },
  };

  it('is a failed answer routing retries, and a 502 if decoded', () => {
    expect(bedrockFailedAnswer(JSON.stringify(answer))).toBe(
      'Bedrock ended the answer with stopReason malformed_tool_use',
    );
    expect(bedrockFailedAnswer(JSON.stringify({ ...answer, stopReason: 'end_turn' }))).toBeUndefined();
    expect(() => decodeBedrockResponse(answer, 'm')).toThrow(/stopReason malformed_tool_use/);
  });
});
