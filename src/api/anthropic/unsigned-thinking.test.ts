import { describe, expect, it } from 'vitest';
import { mayHoldUnsignedThinking, withoutUnsignedThinking } from './unsigned-thinking.js';

const toolTurn = (first: Record<string, unknown>[]) => ({
  role: 'assistant',
  content: [...first, { type: 'tool_use', id: 't1', name: 'f', input: {} }],
});
const result = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] };

describe('unsigned thinking in an Anthropic passthrough', () => {
  it('is looked for only when the bytes hold an empty signature, in either JSON spelling', () => {
    expect(mayHoldUnsignedThinking(Buffer.from('{"signature":"EqQB"}'))).toBe(false);
    expect(mayHoldUnsignedThinking(Buffer.from('{"signature":""}'))).toBe(true);
    expect(mayHoldUnsignedThinking(Buffer.from('{"signature": ""}'))).toBe(true);
  });

  it('leaves a body with only signed thinking alone', () => {
    const body = {
      thinking: { type: 'enabled' },
      messages: [toolTurn([{ type: 'thinking', thinking: 'x', signature: 'EqQB' }]), result],
    };
    expect(withoutUnsignedThinking(body)).toBeUndefined();
  });

  it('drops unsigned thinking and turns thinking off when the continued tool turn is left without it', () => {
    const body = {
      thinking: { type: 'enabled' },
      messages: [toolTurn([{ type: 'thinking', thinking: 'x', signature: '' }]), result],
    };
    expect(withoutUnsignedThinking(body)).toEqual({ messages: [toolTurn([]), result] });
  });

  it('keeps thinking on when the continued turn used no tools, and drops a turn that was only unsigned thinking', () => {
    const body = {
      thinking: { type: 'enabled' },
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'x', signature: '' }] },
        { role: 'user', content: 'b' },
      ],
    };
    expect(withoutUnsignedThinking(body)).toEqual({
      thinking: { type: 'enabled' },
      messages: [
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
      ],
    });
  });
});
