import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSseEvents } from '../../upstream/sse-parse.js';
import type { EncodeContext } from '../contract.js';
import type { IrStreamEvent } from '../ir/types.js';
import { ResponsesStreamEncoder } from './stream-to-client.js';

/** The documented function-call stream, minus `response_id`, which the current API no longer sends. */
function documentedEvents(): Array<Record<string, unknown>> {
  const text = readFileSync(new URL('./fixtures/function-call-stream.docs.jsonl', import.meta.url), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const { response_id: _ignored, ...event } = JSON.parse(line) as Record<string, unknown>;
      return event;
    });
}

const context: EncodeContext = {
  clientRequest: { model: 'gpt-4.1', input: "What's the weather like in Paris today?", stream: true },
  createdAt: 1_741_476_542,
  newId: (prefix) => `${prefix}1234xyz`,
};

describe('the stream encoder against OpenAI documentation', () => {
  it('writes the documented function-call event sequence for the same call', () => {
    const documented = documentedEvents();
    const deltas = documented
      .filter((event) => event.type === 'response.function_call_arguments.delta')
      .map((event): IrStreamEvent => ({ type: 'tool_args_delta', index: 0, json: String(event.delta) }));
    const encoder = new ResponsesStreamEncoder(context);
    const text = [
      { type: 'start', id: 'msg_x', model: 'gpt-4.1' },
      { type: 'block_start', index: 0, block: { type: 'tool_call', id: 'call_1234xyz', name: 'get_weather' } },
      ...deltas,
      { type: 'block_stop', index: 0 },
      {
        type: 'finish',
        stopReason: 'tool_use',
        usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    ]
      .map((event) => encoder.encode(event as IrStreamEvent))
      .join('');
    const written = parseSseEvents(text).map((sse) => JSON.parse(sse.data) as Record<string, unknown>);
    const itemEvents = written.filter(
      (event) => event.type !== 'response.created' && !/^response\.(in_progress|completed)$/.test(String(event.type)),
    );
    expect(itemEvents).toHaveLength(documented.length);
    documented.forEach((event, index) => {
      expect(itemEvents[index]).toMatchObject(event);
    });
  });
});
