// The chaos run's upstream: a server that misbehaves on purpose, speaking OpenAI's Chat Completions, Gemini's
// generateContent / streamGenerateContent (SSE) and Bedrock's Converse / ConverseStream (the AWS binary event
// stream), each with its own error shapes. Each request draws a fault (connection reset before any answer, a hang
// that never answers, a 500/503, a 429 (Gemini's with a RetryInfo delay, Bedrock's ThrottlingException), a stream
// cut after a few events); `storm` makes every request a 503 for a while. Model "slow" streams 40 events 250 ms
// apart (the streams in flight when SIGTERM comes). Counts what it did, for the report.
import { createServer } from 'node:http';
import { BEDROCK_RESPONSE, BEDROCK_STREAM, GEMINI_RESPONSE, GEMINI_STREAM } from './cloud-replies.mjs';

const created = 1_732_000_000;
const chunk = (delta, finish = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-chaos', object: 'chat.completion.chunk', created, model: 'chaos', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
const USAGE = `data: ${JSON.stringify({ id: 'chatcmpl-chaos', object: 'chat.completion.chunk', created, model: 'chaos', choices: [], usage: { prompt_tokens: 12, completion_tokens: 10, total_tokens: 22 } })}\n\n`;
const COMPLETION = JSON.stringify({
  id: 'chatcmpl-chaos',
  object: 'chat.completion',
  created,
  model: 'chaos',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'chaos answer', refusal: null }, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
});

/** Fault odds per request (the rest answer normally). */
const FAULTS = [
  ['reset', 0.04],
  ['hang', 0.02],
  ['error500', 0.04],
  ['error503', 0.03],
  ['rate429', 0.03],
  ['cut', 0.05],
];

function draw() {
  let roll = Math.random();
  for (const [fault, odds] of FAULTS) {
    if (roll < odds) return fault;
    roll -= odds;
  }
  return 'ok';
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const GEMINI_PATH = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)/;
const BEDROCK_PATH = /^\/model\/([^/]+)\/(converse|converse-stream)$/;
const GOOGLE_STATUS = { 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };
const AWS_EXCEPTION = {
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

/** Which API a request speaks, its model and whether it streams, from its path (and body for OpenAI). */
function requestOf(url, body) {
  const gemini = GEMINI_PATH.exec(url);
  if (gemini) return { api: 'gemini', model: gemini[1], stream: gemini[2] === 'streamGenerateContent' };
  const bedrock = BEDROCK_PATH.exec(url);
  if (bedrock)
    return { api: 'bedrock', model: decodeURIComponent(bedrock[1]), stream: bedrock[2] === 'converse-stream' };
  return { api: 'openai', model: body.model, stream: body.stream === true };
}

/** An error answer in the API's own shape: Google's error document, or Bedrock's `x-amzn-errortype` and message. */
function errorAnswer(res, api, status) {
  const message = `chaos ${status}`;
  if (api === 'gemini') {
    const details =
      status === 429 ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' }] : undefined;
    const text = JSON.stringify({ error: { code: status, message, status: GOOGLE_STATUS[status], details } });
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
    return res.end(text);
  }
  if (api === 'bedrock') {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': AWS_EXCEPTION[status] });
    return res.end(JSON.stringify({ message }));
  }
  const text = JSON.stringify({ error: { message, type: 'server_error', param: null, code: null } });
  res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '0' } : {}) });
  res.end(text);
}

/** A cloud stream's events, written one by one; a "slow" model's repeated to 40, 250 ms apart. */
async function cloudStream(req, res, api, slow, fault) {
  const events = api === 'gemini' ? GEMINI_STREAM : BEDROCK_STREAM;
  res.writeHead(200, {
    'content-type': api === 'gemini' ? 'text/event-stream' : 'application/vnd.amazon.eventstream',
  });
  // Gemini's last event carries the finish and usage, Bedrock's last three close the block, the message and give
  // the usage; a slow stream repeats the text events before them, 40 in all.
  const tail = api === 'gemini' ? 1 : 3;
  const text = events.slice(1, -tail);
  const sequence = slow
    ? [events[0], ...Array.from({ length: 40 }, (_, i) => text[i % text.length]), ...events.slice(-tail)]
    : events;
  for (let i = 0; i < sequence.length; i++) {
    if (res.destroyed) return;
    if (fault === 'cut' && i === 3) return req.socket.destroy();
    if (i > 0) await sleep(slow ? 250 : 5);
    res.write(sequence[i]);
  }
  res.end();
}

export async function startChaosUpstream(name) {
  const counts = {};
  const hanging = new Set();
  let storm = false;
  const count = (what) => {
    counts[what] = (counts[what] ?? 0) + 1;
  };
  const server = createServer((req, res) => {
    const parts = [];
    req.on('data', (part) => parts.push(part));
    req.on('end', () => void answer(req, res, Buffer.concat(parts)).catch(() => res.destroy()));
  });

  async function answer(req, res, raw) {
    const url = req.url ?? '';
    const cloud = GEMINI_PATH.test(url) || BEDROCK_PATH.test(url);
    if (!cloud && !url.endsWith('/chat/completions')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [] }));
      return;
    }
    const body = JSON.parse(raw.toString('utf8') || '{}');
    const { api, model, stream } = requestOf(url, body);
    const slow = model === 'slow';
    const fault = storm ? 'storm' : slow ? 'ok' : draw();
    count(api === 'openai' ? fault : `${api} ${fault}`);
    if (fault === 'reset') return req.socket.destroy();
    if (fault === 'hang') {
      hanging.add(res);
      res.once('close', () => hanging.delete(res));
      return;
    }
    if (fault === 'error500' || fault === 'error503' || fault === 'storm' || fault === 'rate429') {
      return errorAnswer(res, api, fault === 'error500' ? 500 : fault === 'rate429' ? 429 : 503);
    }
    if (api !== 'openai') {
      if (stream) return cloudStream(req, res, api, slow, fault);
      await sleep(5 + Math.random() * 20);
      const whole = api === 'gemini' ? GEMINI_RESPONSE : BEDROCK_RESPONSE;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': whole.length });
      res.end(whole);
      return;
    }
    if (!stream) {
      await sleep(5 + Math.random() * 20);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(COMPLETION) });
      res.end(COMPLETION);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const total = slow ? 40 : 10;
    res.write(chunk({ role: 'assistant', content: '' }));
    for (let i = 0; i < total; i++) {
      if (res.destroyed) return;
      if (fault === 'cut' && i === 3) return req.socket.destroy();
      await sleep(slow ? 250 : 5);
      res.write(chunk({ content: `tok${i} ` }));
    }
    res.write(chunk({}, 'stop'));
    if (body.stream_options?.include_usage) res.write(USAGE);
    res.end('data: [DONE]\n\n');
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    url: `http://127.0.0.1:${server.address().port}/v1`,
    origin: `http://127.0.0.1:${server.address().port}`,
    counts,
    setStorm(on) {
      storm = on;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
