import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

const run = promisify(execFile);

/**
 * The official SDK in its own process (an in-process client shares the gateway's event loop, which hides the
 * race): a request just under the default 10 MiB limit, then one just over it on the same kept-alive
 * connection, three times; prints the status or error code of each over-limit request.
 */
const CLIENT_SCRIPT = `
import OpenAI from 'openai';
const client = new OpenAI({ apiKey: process.env.TOKEN, baseURL: process.env.BASE_URL, maxRetries: 0 });
const sized = (bytes) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(bytes - 60) }] });
const limit = 10 * 1024 * 1024;
const outcomes = [];
for (let i = 0; i < 3; i++) {
  await client.chat.completions.create(sized(limit - 1024));
  const error = await client.chat.completions.create(sized(limit + 1024)).catch((e) => e);
  outcomes.push(error.status ?? error.cause?.cause?.code ?? error.cause?.code ?? error.message);
}
console.log(JSON.stringify(outcomes));
`;

describe('the request body limit, as an SDK uploading a big body sees it', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', upstream.baseUrl)],
        models: [{ name: 'gpt-4o-mini', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  it('answers 413 to a client still sending its body, instead of resetting the connection under it', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CLIENT_SCRIPT], {
      env: { ...process.env, TOKEN: CLIENT_TOKEN, BASE_URL: `${harness.url}/v1` },
      maxBuffer: 1 << 20,
    });
    expect(JSON.parse(stdout)).toEqual([413, 413, 413]);
  });

  /** Sends only the head with `Expect: 100-continue`; resolves with what came back first. */
  const expectContinue = (bytes: number) =>
    new Promise<string>((resolve, reject) => {
      const url = new URL(`${harness.url}/v1/chat/completions`);
      const req = request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          authorization: `Bearer ${CLIENT_TOKEN}`,
          'content-type': 'application/json',
          'content-length': bytes,
          expect: '100-continue',
        },
      });
      req.on('continue', () => {
        resolve('continue');
        req.destroy();
      });
      req.on('response', (response) => {
        resolve(String(response.statusCode));
        req.destroy();
      });
      req.on('error', (error) => (String(error).includes('socket hang up') ? undefined : reject(error)));
      req.flushHeaders();
    });

  it('answers Expect: 100-continue with 413 when the declared body is over the limit, and invites the rest', async () => {
    expect(await expectContinue(20 * 1024 * 1024)).toBe('413');
    expect(await expectContinue(1024)).toBe('continue');
  });
});
