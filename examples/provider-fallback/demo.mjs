// The shortest proof of the product: two fake OpenAI-compatible upstreams, the primary answers 429, and the
// gateway serves the request from the fallback provider with the fallback's own model name.
// Run it with `npm run demo:fallback` (it builds first).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';

const { Gateway } = await import(new URL('../../dist/server/gateway.js', import.meta.url).href);

/** A tiny OpenAI-compatible upstream: `answer(model)` returns [status, headers, body]. */
async function fakeUpstream(name, answer) {
  const received = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const request = JSON.parse(body);
      received.push({ model: request.model, authorization: req.headers.authorization });
      const [status, headers, payload] = answer(request.model);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { name, received, url: `http://127.0.0.1:${server.address().port}/v1`, close: () => server.close() };
}

const completion = (model, text) => ({
  id: 'chatcmpl-demo',
  object: 'chat.completion',
  created: Math.floor(Date.now() / 1000),
  model,
  choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16 },
});

export async function runDemo({ log = console.log } = {}) {
  const primary = await fakeUpstream('primary', () => [
    429,
    { 'retry-after': '30' },
    { error: { message: 'Rate limit reached for gpt-4o-mini', type: 'requests', code: 'rate_limit_exceeded' } },
  ]);
  const fallback = await fakeUpstream('fallback', (model) => [
    200,
    {},
    completion(model, `Served by the fallback (${model}).`),
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'amg-demo-'));
  const configPath = join(dir, 'gateway.yaml');
  await writeFile(
    configPath,
    `storage: sqlite:./gateway.db
providers:
  - { name: primary, type: openai, base_url: ${primary.url}, api_key: sk-primary, allow_private_network: true }
  - { name: fallback, type: openai, base_url: ${fallback.url}, api_key: sk-fallback, allow_private_network: true }
models:
  - name: gpt-4o-mini
    targets:
      - { provider: primary, model: gpt-4o-mini }
      - { provider: fallback, model: llama-3.1-8b }
clients:
  - { name: demo-app, token: demo-client-token-0123456789 }
`,
  );
  const gateway = await Gateway.start({
    configPath,
    listen: '127.0.0.1:0',
    env: { ...process.env, AMG_ADMIN_TOKEN: 'demo-admin-token' },
  });
  try {
    const client = new OpenAI({ apiKey: 'demo-client-token-0123456789', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello!' }] })
      .withResponse();
    await gateway.telemetry.flush();
    const [record] = await gateway.store.listRequests({ limit: 1 });
    const result = {
      answer: data.choices[0].message.content,
      headers: {
        provider: response.headers.get('x-gateway-provider'),
        model: response.headers.get('x-gateway-model'),
        route: response.headers.get('x-gateway-route'),
        attempts: response.headers.get('x-gateway-attempts'),
      },
      primaryReceived: primary.received,
      fallbackReceived: fallback.received,
      record,
    };
    log('Client asked for model "gpt-4o-mini" through the gateway.');
    log(`  primary  got model=${primary.received[0]?.model} -> answered 429 (retry-after 30)`);
    log(`  fallback got model=${fallback.received[0]?.model} -> answered 200`);
    log(`Client received: "${result.answer}"`);
    log(
      `  x-gateway-provider=${result.headers.provider} x-gateway-model=${result.headers.model} x-gateway-route=${result.headers.route} x-gateway-attempts=${result.headers.attempts}`,
    );
    log(
      `Telemetry record ${record.id}: route mode = ${record.routeMode}, status ${record.status}, tokens ${record.inputTokens}/${record.outputTokens}`,
    );
    for (const attempt of record.attempts) {
      log(
        `  attempt: ${attempt.provider}/${attempt.model} -> ${attempt.status}${attempt.errorClass ? ` (${attempt.errorClass})` : ''}`,
      );
    }
    log('Provider keys never reached the client; each upstream saw only its own key.');
    return result;
  } finally {
    await gateway.close();
    primary.close();
    fallback.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runDemo();
