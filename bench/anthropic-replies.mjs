// Canned Anthropic Messages answers for the benchmark's fake upstream: a JSON message and a 20-delta stream in
// the real event sequence (message_start, content_block_start, ping, 20 text_deltas, content_block_stop,
// message_delta with usage, message_stop).
const event = (name, data) => Buffer.from(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);

export const ANTHROPIC_MESSAGE = Buffer.from(
  JSON.stringify({
    id: 'msg_bench',
    type: 'message',
    role: 'assistant',
    model: 'bench-claude',
    content: [{ type: 'text', text: 'The quick brown fox jumps over the lazy dog.' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 24, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 12 },
  }),
);

function streamEvents() {
  const events = [
    event('message_start', {
      type: 'message_start',
      message: {
        id: 'msg_bench',
        type: 'message',
        role: 'assistant',
        model: 'bench-claude',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 24, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
      },
    }),
    event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    event('ping', { type: 'ping' }),
  ];
  for (let i = 0; i < 20; i++) {
    events.push(
      event('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: `token${i} ` },
      }),
    );
  }
  events.push(
    event('content_block_stop', { type: 'content_block_stop', index: 0 }),
    event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 20 },
    }),
    event('message_stop', { type: 'message_stop' }),
  );
  return events;
}

export const ANTHROPIC_STREAM = streamEvents();
