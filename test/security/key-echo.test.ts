import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_SCENARIOS, startEchoingUpstream } from '../fakes/echoing-upstream.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { CLIENT_TOKEN, GatewayHarness } from '../support/gateway-harness.js';

const OPENAI_KEY = 'sk-Q7xv93LmPq0aZr51TkW8yN4e';
const ANTHROPIC_KEY = 'sk-Hb28PwZs0QeLr7XyM3uVn6Tc';
const KEYS = [OPENAI_KEY, ANTHROPIC_KEY];

const CALLS: Array<{ path: string; headers: Record<string, string>; body: Record<string, unknown> }> = [
  {
    path: '/v1/chat/completions',
    headers: { authorization: `Bearer ${CLIENT_TOKEN}` },
    body: { messages: [{ role: 'user', content: 'hi' }] },
  },
  {
    path: '/v1/messages',
    headers: { 'x-api-key': CLIENT_TOKEN, 'anthropic-version': '2023-06-01' },
    body: { max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] },
  },
  { path: '/v1/responses', headers: { authorization: `Bearer ${CLIENT_TOKEN}` }, body: { input: 'hi' } },
];

/**
 * Upstreams that quote the key they were sent, in every kind of answer, relayed and translated, whole and
 * streamed: neither the key nor any start of it of 8 characters or more may reach a client answer, a stream,
 * the request log, the provider status, the log output or the database files.
 */
describe('a provider key an upstream echoes', () => {
  let openaiUpstream: FakeServer;
  let anthropicUpstream: FakeServer;
  let harness: GatewayHarness;
  const logged: string[] = [];
  const write = process.stderr.write.bind(process.stderr);

  beforeAll(async () => {
    openaiUpstream = await startEchoingUpstream('openai');
    anthropicUpstream = await startEchoingUpstream('anthropic');
    const provider = (name: string, type: string, url: string, key: string) => ({
      name,
      type,
      base_url: type === 'openai' ? `${url}/v1` : url,
      api_key: key,
      allow_private_network: true,
    });
    harness = await GatewayHarness.start({
      config: {
        providers: [
          provider('oai', 'openai', openaiUpstream.origin, OPENAI_KEY),
          provider('ant', 'anthropic', anthropicUpstream.origin, ANTHROPIC_KEY),
        ],
        models: ['oai', 'ant'].flatMap((p) =>
          ECHO_SCENARIOS.map((s) => ({ name: `${p}-${s}`, targets: [{ provider: p, model: s }] })),
        ),
        routing: { retries: { max_attempts: 1 }, cooldown: { failures: 10_000, window_s: 1, cooldown_s: 1 } },
      },
    });
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
  });
  afterAll(async () => {
    process.stderr.write = write;
    await harness.close();
    await openaiUpstream.close();
    await anthropicUpstream.close();
  });

  function leaks(where: string, text: string): string[] {
    return KEYS.filter((key) => text.includes(key.slice(0, 8))).map((key) => `${where}: ${key.slice(0, 8)}…`);
  }

  it('reaches no answer, stream, record, status, log line or database file', async () => {
    const found: string[] = [];
    let answers = 0;
    for (const call of CALLS) {
      for (const provider of ['oai', 'ant']) {
        for (const scenario of ECHO_SCENARIOS) {
          for (const stream of [false, true]) {
            const response = await fetch(`${harness.url}${call.path}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', ...call.headers },
              body: JSON.stringify({ ...call.body, model: `${provider}-${scenario}`, stream }),
            });
            const text = await response.text();
            answers++;
            found.push(...leaks(`${call.path} ${provider}-${scenario} stream=${stream} (${response.status})`, text));
          }
        }
      }
    }
    expect(answers).toBe(60);
    await harness.records(answers);
    await harness.gateway.telemetry.flush();
    const requests = await harness.admin('GET', '/requests?limit=1000');
    expect(requests.body.data.length).toBeGreaterThanOrEqual(answers);
    found.push(...leaks('request log', JSON.stringify(requests.body)));
    for (const path of ['/providers', '/status']) {
      const answer = await harness.admin('GET', path);
      found.push(...leaks(path, JSON.stringify(answer.body)));
    }
    found.push(...leaks('log output', logged.join('')));
    for (const file of await readdir(harness.dir)) {
      if (file.startsWith('gateway.db'))
        found.push(...leaks(file, (await readFile(join(harness.dir, file))).toString('latin1')));
    }
    expect(found).toEqual([]);
    // The echoes were there to find: the redaction marker stands where they were.
    expect(JSON.stringify(requests.body)).toContain('<redacted>');
  }, 120_000);
});
