// The benchmark upstream's Gemini and Bedrock answers, built once: a generateContent JSON answer and its SSE
// stream (20 text events, the last with finishReason and usage), and a Converse JSON answer and its
// ConverseStream in the AWS binary event stream (messageStart, 20 text deltas, block stop, messageStop,
// metadata), each message its own write as the services stream them.
import { EventStreamCodec } from '@smithy/eventstream-codec';

const usage = { promptTokenCount: 24, candidatesTokenCount: 20, totalTokenCount: 44 };
const candidate = (text, finish) => ({
  content: { parts: [{ text }], role: 'model' },
  ...(finish ? { finishReason: 'STOP' } : {}),
  index: 0,
});

export const GEMINI_RESPONSE = Buffer.from(
  JSON.stringify({
    candidates: [candidate('The quick brown fox jumps over the lazy dog.', true)],
    usageMetadata: { promptTokenCount: 24, candidatesTokenCount: 12, totalTokenCount: 36 },
    modelVersion: 'gemini-bench',
    responseId: 'bench-response',
  }),
);

export const GEMINI_STREAM = Array.from({ length: 20 }, (_, i) =>
  Buffer.from(
    `data: ${JSON.stringify({
      candidates: [candidate(`token${i} `, i === 19)],
      usageMetadata: i === 19 ? usage : { promptTokenCount: 24, totalTokenCount: 24 },
      modelVersion: 'gemini-bench',
      responseId: 'bench-response',
    })}\r\n\r\n`,
  ),
);

export const BEDROCK_RESPONSE = Buffer.from(
  JSON.stringify({
    output: { message: { role: 'assistant', content: [{ text: 'The quick brown fox jumps over the lazy dog.' }] } },
    stopReason: 'end_turn',
    usage: { inputTokens: 24, outputTokens: 12, totalTokens: 36 },
    metrics: { latencyMs: 10 },
  }),
);

const codec = new EventStreamCodec(
  (bytes) => new TextDecoder().decode(bytes),
  (text) => new TextEncoder().encode(text),
);
const header = (value) => ({ type: 'string', value });
// Bedrock pads every stream event with a \`p\` field of varying length (a prefix of this alphabet) to hide the
// length of its text; each message here gets its own, as the service sends them.
const PADDING = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
let padded = 0;
const message = (type, payload) =>
  Buffer.from(
    codec.encode({
      headers: {
        ':event-type': header(type),
        ':content-type': header('application/json'),
        ':message-type': header('event'),
      },
      body: new TextEncoder().encode(
        JSON.stringify({ ...payload, p: PADDING.slice(0, 1 + ((padded++ * 23) % PADDING.length)) }),
      ),
    }),
  );

export const BEDROCK_STREAM = [
  message('messageStart', { role: 'assistant' }),
  ...Array.from({ length: 20 }, (_, i) =>
    message('contentBlockDelta', { contentBlockIndex: 0, delta: { text: `token${i} ` } }),
  ),
  message('contentBlockStop', { contentBlockIndex: 0 }),
  message('messageStop', { stopReason: 'end_turn' }),
  message('metadata', { usage: { inputTokens: 24, outputTokens: 20, totalTokens: 44 }, metrics: { latencyMs: 10 } }),
];
