import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLI, runCli, ServeProcess } from '../support/cli-process.js';

const NO_KEYS = {
  OPENAI_API_KEY: undefined,
  ANTHROPIC_API_KEY: undefined,
  AMG_ADMIN_TOKEN: undefined,
  AMG_CONFIG: undefined,
};

describe('amg serve on a fresh directory', () => {
  let dir: string;
  let serve: ServeProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-fresh-'));
  });
  afterEach(async () => {
    await serve?.stop();
    serve = undefined;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes the starter config, starts with no provider keys, and prints an admin token once', async () => {
    serve = await ServeProcess.start([], { cwd: dir, env: { ...NO_KEYS, AMG_PRINT_ADMIN_TOKEN: '1' } });
    expect(existsSync(join(dir, 'gateway.yaml'))).toBe(true);
    expect(existsSync(join(dir, 'data', 'gateway.db'))).toBe(true);
    expect(serve.banner).toMatch(/created from the starter template/);
    // The commands the starter config suggests are the ones that work as this gateway was started (the built
    // CLI here), as the banner's are: not the checkout's npm run amg --.
    const starter = await readFile(join(dir, 'gateway.yaml'), 'utf8');
    expect(starter).toContain(`# Validate changes with:  node ${CLI} config validate gateway.yaml`);
    expect(starter).toContain(`create them with  node ${CLI} keys create --name my-app`);
    expect(starter).not.toContain('npm run amg');
    expect(serve.banner).toMatch(/openai: not configured \(set OPENAI_API_KEY\)/);
    const adminToken = /\n\s+(amg_admin_\S+)/.exec(serve.banner)?.[1];
    expect(adminToken).toBeDefined();

    const status = await fetch(`${serve.url}/admin/api/status`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(status.status).toBe(200);
    // The banner points at the Admin UI, and it answers there.
    const uiUrl = /Admin UI\s+(http:\/\/\S+\/admin)\s/.exec(serve.banner)?.[1];
    expect(uiUrl).toBeDefined();
    const ui = await fetch(uiUrl as string);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toContain('text/html');
    const db = await readFile(join(dir, 'data', 'gateway.db'));
    expect(db.includes(Buffer.from(adminToken as string))).toBe(false);

    expect(await serve.stop()).toBe(0);
    serve = await ServeProcess.start([], { cwd: dir, env: { ...NO_KEYS, AMG_PRINT_ADMIN_TOKEN: '1' } });
    expect(serve.banner).not.toMatch(/amg_admin_/);
  });

  it('answers a request for an unconfigured provider with a 503 that names the variable', async () => {
    serve = await ServeProcess.start([], { cwd: dir, env: NO_KEYS });
    const created = await runCli(['keys', 'create', '--name', 'first-app', '--json'], { cwd: dir, env: NO_KEYS });
    const { token } = JSON.parse(created.stdout) as { token: string };
    const client = new OpenAI({ apiKey: token, baseURL: `${serve.url}/v1`, maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 503,
      message: expect.stringContaining('set the environment variable OPENAI_API_KEY'),
    });
  });

  it('refuses to start on an invalid config and says where the problem is', async () => {
    await writeFile(join(dir, 'broken.yaml'), 'models:\n  - name: x\n    targets: [{ provider: nope, model: y }]\n');
    await expect(ServeProcess.start(['--config', 'broken.yaml'], { cwd: dir, env: NO_KEYS })).rejects.toThrow(
      /models\[0\]\.targets\[0\]\.provider: unknown provider "nope"/,
    );
  });
});

describe('amg serve signals', () => {
  let dir: string;
  let upstream: FakeOpenAI;
  const config = (models: string) => `storage: sqlite:./data/gateway.db
clients: [{ name: app, token: amg_signal_test_token_0123456789 }]
providers:
  - { name: primary, type: openai, base_url: "BASE", api_key: sk-upstream-secret-key, allow_private_network: true }
models:
${models}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-signals-'));
    upstream = await FakeOpenAI.start();
  });
  afterAll(async () => {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  const write = (models: string) =>
    writeFile(join(dir, 'gateway.yaml'), config(models).replace('BASE', upstream.baseUrl));
  const clientFor = (serve: ServeProcess) =>
    new OpenAI({ apiKey: 'amg_signal_test_token_0123456789', baseURL: `${serve.url}/v1`, maxRetries: 0 });

  it('SIGTERM lets an in-flight stream finish, then flushes its telemetry before exiting', async () => {
    await write('  - { name: chat, targets: [{ provider: primary, model: gpt-4o-mini }] }\n');
    const serve = await ServeProcess.start([], { cwd: dir, env: { AMG_ADMIN_TOKEN: 'amg_admin_signal_test' } });
    upstream.enqueue({ kind: 'reply', text: 'abcdefghijklmnopqrst', chunkSize: 1, chunkDelayMs: 30 });
    const stream = await clientFor(serve).chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'slow' }],
      stream: true,
    });
    let text = '';
    let signalled = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (!signalled && text.length >= 2) {
        serve.signal('SIGTERM');
        signalled = true;
      }
    }
    expect(text).toBe('abcdefghijklmnopqrst');
    expect(await serve.exited).toBe(0);

    const tail = await runCli(['requests', 'tail', '--json'], { cwd: dir });
    const rows = tail.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { stream: boolean; status: number; outputTokens: number });
    expect(rows.at(-1)).toMatchObject({ stream: true, status: 200, outputTokens: 6 });
  });

  it('SIGHUP applies a valid config change and keeps the running config when the new one is invalid', async () => {
    await write('  - { name: chat, targets: [{ provider: primary, model: gpt-4o-mini }] }\n');
    const serve = await ServeProcess.start([], { cwd: dir, env: { AMG_ADMIN_TOKEN: 'amg_admin_signal_test' } });
    const client = clientFor(serve);
    const modelIds = async () => (await client.models.list()).data.map((m) => m.id);
    expect(await modelIds()).toEqual(['chat']);

    await write(
      '  - { name: chat, targets: [{ provider: primary, model: gpt-4o-mini }] }\n  - { name: chat-2, targets: [{ provider: primary, model: gpt-4o }] }\n',
    );
    serve.signal('SIGHUP');
    await expect.poll(modelIds, { timeout: 5_000 }).toEqual(['chat', 'chat-2']);

    await write('  - { name: chat, targets: [{ provider: missing, model: x }] }\n');
    serve.signal('SIGHUP');
    await expect
      .poll(() => serve.stdout, { timeout: 5_000 })
      .toMatch(/config reload failed; keeping the running config/);
    expect(serve.stdout).toContain('unknown provider \\"missing\\"');
    expect(await modelIds()).toEqual(['chat', 'chat-2']);
    await expect(
      client.chat.completions.create({ model: 'chat-2', messages: [{ role: 'user', content: 'still there?' }] }),
    ).resolves.toMatchObject({ object: 'chat.completion' });
    expect(await serve.stop()).toBe(0);
  });
});
