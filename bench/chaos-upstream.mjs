// The chaos run's upstream: an OpenAI-compatible server that misbehaves on purpose. Each request draws a fault
// (connection reset before any answer, a hang that never answers, a 500/503, a 429, a stream cut after a few
// chunks); `storm` makes every request a 503 for a while. Model "slow" streams 40 chunks 250 ms apart (the streams
// in flight when SIGTERM comes). Counts what it did, for the report.
import { createServer } from 'node:http';

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
    if (!req.url?.endsWith('/chat/completions')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [] }));
      return;
    }
    const body = JSON.parse(raw.toString('utf8') || '{}');
    const slow = body.model === 'slow';
    const fault = storm ? 'storm' : slow ? 'ok' : draw();
    count(fault);
    if (fault === 'reset') return req.socket.destroy();
    if (fault === 'hang') {
      hanging.add(res);
      res.once('close', () => hanging.delete(res));
      return;
    }
    if (fault === 'error500' || fault === 'error503' || fault === 'storm' || fault === 'rate429') {
      const status = fault === 'error500' ? 500 : fault === 'rate429' ? 429 : 503;
      const text = JSON.stringify({
        error: { message: `chaos ${status}`, type: 'server_error', param: null, code: null },
      });
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '0' } : {}) });
      res.end(text);
      return;
    }
    if (!body.stream) {
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
