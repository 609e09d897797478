import { describe, expect, it } from 'vitest';
import { listedItems } from './listed-items.js';

function ids(): (prefix: string) => string {
  let n = 0;
  return (prefix) => `${prefix}${n++}`;
}

describe('input items as listed and replayed', () => {
  it('turns string input into one user message with an input_text part', () => {
    expect(listedItems('Hi', ids())).toEqual([
      {
        id: 'msg_0',
        type: 'message',
        role: 'user',
        status: 'completed',
        content: [{ type: 'input_text', text: 'Hi' }],
      },
    ]);
  });

  it('gives every item a type and an id, keeping ids the client sent', () => {
    const listed = listedItems(
      [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
        { type: 'function_call', id: 'fc_client', call_id: 'call_1', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'done' },
      ],
      ids(),
    );
    expect(listed).toEqual([
      { id: 'msg_0', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'q' }] },
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'a', annotations: [] }],
      },
      { type: 'function_call', id: 'fc_client', call_id: 'call_1', name: 'f', arguments: '{}' },
      { id: 'fco_2', type: 'function_call_output', call_id: 'call_1', output: 'done' },
    ]);
  });
});
