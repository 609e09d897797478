import { describe, expect, it } from 'vitest';
import { mayHoldSystemMessage, passthroughEdits, withSystemMessagesHoisted } from './system-messages.js';

describe('system messages in an Anthropic passthrough', () => {
  it('are looked for only when the bytes hold the role, in either JSON spelling', () => {
    expect(mayHoldSystemMessage(Buffer.from('{"messages":[{"role":"user","content":"system"}]}'))).toBe(false);
    expect(mayHoldSystemMessage(Buffer.from('{"role":"system"}'))).toBe(true);
    expect(mayHoldSystemMessage(Buffer.from('{"role": "system"}'))).toBe(true);
  });

  it('move into the system prompt after what it holds, in order, their cache marks kept', () => {
    const cached = { type: 'text', text: 'env', cache_control: { type: 'ephemeral' } };
    const body = {
      system: 'You are Claude Code.',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'system', content: [cached] },
        { role: 'assistant', content: 'hello' },
        { role: 'system', content: 'later' },
      ],
    };
    expect(withSystemMessagesHoisted(body)).toEqual({
      system: [{ type: 'text', text: 'You are Claude Code.' }, cached, { type: 'text', text: 'later' }],
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
      ],
    });
    // The client's own arrays are left as they were.
    expect(body.messages).toHaveLength(4);
  });

  it('leave a body without one alone, even when its text names the role', () => {
    const body = { messages: [{ role: 'user', content: '{"role":"system"}' }] };
    expect(passthroughEdits(body, Buffer.from(JSON.stringify(body)))).toBeUndefined();
  });
});
