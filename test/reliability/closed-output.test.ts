import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { runCli, ServeProcess } from '../support/cli-process.js';

const TOKEN = 'amg_closed_output_token_0123456789';

/**
 * `amg serve | head -1`, or a log shipper that dies: the reader of stdout goes away and every later log line
 * fails with EPIPE. The gateway must keep serving (and recording) rather than crash on the unhandled error.
 */
describe('stdout closed under a running gateway', () => {
  let dir: string;
  let upstream: FakeOpenAI;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-closed-output-'));
    upstream = await FakeOpenAI.start();
    await writeFile(
      join(dir, 'gateway.yaml'),
      `storage: sqlite:./data/gateway.db
server: { listen: 127.0.0.1:8080 }
log: { access_log: true }
clients: [{ name: app, token: ${TOKEN} }]
providers:
  - { name: primary, type: openai, base_url: "${upstream.baseUrl}", api_key: sk-upstream-secret-key, allow_private_network: true }
models:
  - { name: chat, targets: [{ provider: primary, model: m }] }
`,
    );
  });
  afterAll(async () => {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps serving and recording, and logs to stderr from then on', async () => {
    const serve = await ServeProcess.start([], { cwd: dir, env: { AMG_ADMIN_TOKEN: 'amg_admin_closed_output_test' } });
    const url = serve.url;
    // The reader hangs up, as `head -1` does once it has its line.
    serve.child.stdout?.destroy();

    const openai = new OpenAI({ apiKey: TOKEN, baseURL: `${url}/v1`, maxRetries: 0 });
    for (let i = 0; i < 5; i++) {
      const reply = await openai.chat.completions.create({
        model: 'chat',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(reply.choices[0]?.message.content).toBeTruthy();
    }
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(serve.child.exitCode).toBeNull();
    await waitFor(() => /"msg":"request"/.test(serve.stderr));
    expect(serve.stderr).toMatch(/"msg":"stdout closed; logging here instead","error":"EPIPE"/);

    serve.signal('SIGTERM');
    expect(await serve.exited).toBe(0);
    const tail = await runCli(['requests', 'tail', '--json'], { cwd: dir });
    expect(tail.stdout.trim().split('\n')).toHaveLength(5);
  });
});

async function waitFor(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
