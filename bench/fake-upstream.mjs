// The benchmark's upstream: an OpenAI-compatible server as cheap as node:http allows, so the measurement is
// the gateway and not the fake. Non-stream answers a canned chat.completion; stream answers 20 content chunks,
// a finish chunk, a usage chunk when asked, and [DONE]. Model "flaky-*" answers 429 to every second request.
// POST /v1/messages answers as the Anthropic Messages API (see anthropic-replies.mjs).
import { createServer } from 'node:http';
import { ANTHROPIC_MESSAGE, ANTHROPIC_STREAM } from './anthropic-replies.mjs';
import { BEDROCK_RESPONSE, BEDROCK_STREAM, GEMINI_RESPONSE, GEMINI_STREAM } from './cloud-replies.mjs';

/** Writes a canned answer: one buffer with its length, or a stream of buffers one write each. */
function answer(res, type, whole, parts) {
  if (parts) {
    res.writeHead(200, { 'content-type': type });
    for (let i = 0; i < parts.length - 1; i++) res.write(parts[i]);
    res.end(parts[parts.length - 1]);
    return;
  }
  res.writeHead(200, { 'content-type': type, 'content-length': whole.length });
  res.end(whole);
}

const port = Number(process.argv[2] ?? 0);
const created = 1_732_000_000;

const completion = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created,
  model: 'bench-model',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'The quick brown fox jumps over the lazy dog.', refusal: null },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 24, completion_tokens: 12, total_tokens: 36, prompt_tokens_details: { cached_tokens: 0 } },
  system_fingerprint: 'fp_bench',
});

function chunk(delta, finish = null, withUsageNull = false) {
  const body = {
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created,
    model: 'bench-model',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
  if (withUsageNull) body.usage = null;
  return `data: ${JSON.stringify(body)}\n\n`;
}

function streamBody(includeUsage) {
  let out = chunk({ role: 'assistant', content: '' }, null, includeUsage);
  for (let i = 0; i < 20; i++) out += chunk({ content: `token${i} ` }, null, includeUsage);
  out += chunk({}, 'stop', includeUsage);
  if (includeUsage) {
    out += `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model: 'bench-model', choices: [], usage: { prompt_tokens: 24, completion_tokens: 20, total_tokens: 44 } })}\n\n`;
  }
  return `${out}data: [DONE]\n\n`;
}

// Each chunk is its own write, as a real upstream streams tokens.
const streamChunks = (includeUsage) =>
  streamBody(includeUsage)
    .split(/(?<=\n\n)/)
    .map((s) => Buffer.from(s));
const STREAM_WITH_USAGE = streamChunks(true);
const STREAM_PLAIN = streamChunks(false);
const COMPLETION = Buffer.from(completion);
const RATE_LIMITED = Buffer.from(
  JSON.stringify({
    error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' },
  }),
);
const MODELS = Buffer.from(
  JSON.stringify({ object: 'list', data: [{ id: 'bench-model', object: 'model', created, owned_by: 'bench' }] }),
);

const EMBEDDINGS = Buffer.from(
  JSON.stringify({
    object: 'list',
    data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2, 0.3] }],
    model: 'bench-embedding',
    usage: { prompt_tokens: 1, total_tokens: 1 },
  }),
);

let flakyCounter = 0;

createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': MODELS.length });
    res.end(MODELS);
    return;
  }
  const parts = [];
  req.on('data', (part) => parts.push(part));
  req.on('end', () => {
    const body = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    if (body.includes('"model":"flaky') && flakyCounter++ % 2 === 0) {
      res.writeHead(429, { 'content-type': 'application/json', 'content-length': RATE_LIMITED.length });
      res.end(RATE_LIMITED);
      return;
    }
    // Gemini (generateContent / streamGenerateContent?alt=sse) and Bedrock (converse / converse-stream).
    if (req.url.startsWith('/v1beta/models/')) {
      if (req.url.includes(':streamGenerateContent')) return answer(res, 'text/event-stream', null, GEMINI_STREAM);
      return answer(res, 'application/json', GEMINI_RESPONSE);
    }
    if (req.url.startsWith('/model/')) {
      if (req.url.endsWith('/converse-stream')) {
        return answer(res, 'application/vnd.amazon.eventstream', null, BEDROCK_STREAM);
      }
      return answer(res, 'application/json', BEDROCK_RESPONSE);
    }
    // Embeddings never stream: whatever the body says, the answer is one JSON list.
    if (req.url === '/v1/embeddings') return answer(res, 'application/json', EMBEDDINGS);
    if (req.url === '/v1/messages') {
      if (body.includes('"stream":true')) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        for (let i = 0; i < ANTHROPIC_STREAM.length - 1; i++) res.write(ANTHROPIC_STREAM[i]);
        res.end(ANTHROPIC_STREAM[ANTHROPIC_STREAM.length - 1]);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': ANTHROPIC_MESSAGE.length });
      res.end(ANTHROPIC_MESSAGE);
      return;
    }
    if (body.includes('"stream":true')) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const chunks = body.includes('"include_usage":true') ? STREAM_WITH_USAGE : STREAM_PLAIN;
      for (let i = 0; i < chunks.length - 1; i++) res.write(chunks[i]);
      res.end(chunks[chunks.length - 1]);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': COMPLETION.length });
    res.end(COMPLETION);
  });
}).listen(port, '127.0.0.1', function ready() {
  process.stdout.write(`${this.address().port}\n`);
});
