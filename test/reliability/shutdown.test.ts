import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { runCli, ServeProcess } from '../support/cli-process.js';
import { GatewayHarness } from '../support/gateway-harness.js';
import { stopWithStreamsOpen } from '../support/shutdown-records.js';

const TOKEN = 'amg_shutdown_test_token_0123456789';

/**
 * SIGTERM with streams that outlive `server.shutdown_grace_ms`: each client gets its dialect's error event
 * instead of a cut connection, and each stream's record (status, bytes sent, usage so far) is written before
 * the process exits.
 */
describe('SIGTERM with streams that outlive the grace period', () => {
  let dir: string;
  let upstream: FakeOpenAI;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-shutdown-'));
    upstream = await FakeOpenAI.start();
    await writeFile(
      join(dir, 'gateway.yaml'),
      `storage: sqlite:./data/gateway.db
server: { listen: 127.0.0.1:8080, shutdown_grace_ms: 300 }
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

  it('ends each stream with its error event and writes both records before exiting', async () => {
    const serve = await ServeProcess.start([], { cwd: dir, env: { AMG_ADMIN_TOKEN: 'amg_admin_shutdown_test' } });
    // Both streams send two chunks and then nothing, as a model thinking for minutes would.
    upstream.enqueue({ kind: 'stall', after: 2 });
    upstream.enqueue({ kind: 'stall', after: 2 });
    const openai = new OpenAI({ apiKey: TOKEN, baseURL: `${serve.url}/v1`, maxRetries: 0 });
    const anthropic = new Anthropic({ apiKey: TOKEN, baseURL: serve.url, maxRetries: 0 });
    const chatStream = await openai.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'think long' }],
      stream: true,
    });
    const messageStream = anthropic.messages.stream({
      model: 'chat',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'think long' }],
    });
    const chatIterator = chatStream[Symbol.asyncIterator]();
    const messageIterator = messageStream[Symbol.asyncIterator]();
    await chatIterator.next();
    await messageIterator.next();

    const rows = await stopWithStreamsOpen(serve, [chatIterator, messageIterator], dir);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ stream: true, status: 200, errorCode: 'GW_ERR_SHUTTING_DOWN' });
      expect(row.errorMessage).toMatch(/shutting down.*shutdown_grace_ms = 300 ms/);
    }
    expect(rows.map((row) => row.entryPoint).sort()).toEqual(['chat.completions', 'messages']);
  });
});

describe('signals during a graceful shutdown', () => {
  let dir: string;
  let upstream: FakeOpenAI;
  const config = (models: string) => `storage: sqlite:./data/gateway.db
server: { listen: 127.0.0.1:8080, shutdown_grace_ms: 1500, readiness_drain_ms: 2000 }
clients: [{ name: app, token: ${TOKEN} }]
providers:
  - { name: primary, type: openai, base_url: "${upstream.baseUrl}", api_key: sk-upstream-secret-key, allow_private_network: true }
models:
${models}
`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-shutdown-signals-'));
    upstream = await FakeOpenAI.start();
    await writeFile(
      join(dir, 'gateway.yaml'),
      config('  - { name: chat, targets: [{ provider: primary, model: m }] }'),
    );
  });
  afterAll(async () => {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** `amg serve` in `dir`, and a stream through it that has started and whose upstream then stalls. */
  async function gatewayWithStalledStream(underNpm = false) {
    const options = { cwd: dir, env: { AMG_ADMIN_TOKEN: 'amg_admin_shutdown_test', AMG_LOG_LEVEL: 'info' } };
    const serve = await (underNpm ? ServeProcess.startUnderNpm(options) : ServeProcess.start([], options));
    upstream.enqueue({ kind: 'stall', after: 2 });
    const openai = new OpenAI({ apiKey: TOKEN, baseURL: `${serve.url}/v1`, maxRetries: 0 });
    const stream = await openai.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'think long' }],
      stream: true,
    });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    return { serve, iterator };
  }

  /** Reads a stream to its end (rejecting with the stream's error). */
  async function rest(iterator: AsyncIterator<unknown>): Promise<void> {
    for (;;) if ((await iterator.next()).done) return;
  }

  it('publishes nothing on a SIGHUP that comes while it stops, and stops once on a second signal', async () => {
    const { serve, iterator } = await gatewayWithStalledStream();

    serve.signal('SIGTERM');
    // An edited file and a reload request while /readyz turns traffic away before the listeners close: a gateway
    // on its way out must not make a new revision active for every other gateway sharing the store.
    await writeFile(
      join(dir, 'gateway.yaml'),
      config(
        '  - { name: chat, targets: [{ provider: primary, model: m }] }\n  - { name: second, targets: [{ provider: primary, model: n }] }',
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    serve.signal('SIGHUP');
    serve.signal('SIGTERM');
    await expect(rest(iterator)).rejects.toThrow(/shutting down/);
    expect(await serve.exited).toBe(0);

    const history = await runCli(['config', 'history', '--json'], { cwd: dir });
    const revisions = (JSON.parse(history.stdout) as { data: { number: number }[] }).data;
    expect(revisions.map((revision) => revision.number)).toEqual([1]);
    expect(serve.stdout).toContain('already shutting down; SIGHUP ignored');
    expect(serve.stdout).toContain('already shutting down; SIGTERM ignored');
    // The stream's record was written although a second SIGTERM came.
    const tail = await runCli(['requests', 'tail', '--json'], { cwd: dir });
    expect(JSON.parse(tail.stdout.trim())).toMatchObject({ stream: true, errorCode: 'GW_ERR_SHUTTING_DOWN' });
    expect(serve.stdout.match(/"msg":"shutting down"/g)).toHaveLength(1);
    // Field names as in every other log line (request_id, config_revision), so one log query reads them all.
    const stopping = serve.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((entry) => entry.msg === 'shutting down');
    expect(stopping).toMatchObject({ signal: 'SIGTERM', in_flight: 1 });
  });

  it('takes one Ctrl-C under `npm start` as one, though npm forwards the SIGINT the gateway also got', async () => {
    await writeFile(
      join(dir, 'gateway.yaml'),
      config('  - { name: chat, targets: [{ provider: primary, model: m }] }'),
    );
    const { serve, iterator } = await gatewayWithStalledStream(true);

    const started = Date.now();
    serve.signal('SIGINT');
    await expect(rest(iterator)).rejects.toThrow(/shutting down/);
    // The stream kept its grace period (1.5 s) instead of being ended at once by npm's copy of the signal.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(await serve.exited).toBe(0);
    expect(serve.stdout.match(/"msg":"shutting down"/g)).toHaveLength(1);
    expect(serve.stdout).not.toContain('second SIGINT');
  }, 30_000);

  it('ends the requests in flight at once on a second Ctrl-C (SIGINT), writing their records', async () => {
    // A grace period far longer than the test: only the second SIGINT can end this stream in time.
    await writeFile(
      join(dir, 'gateway.yaml'),
      config('  - { name: chat, targets: [{ provider: primary, model: m }] }')
        .replace('shutdown_grace_ms: 1500', 'shutdown_grace_ms: 600000')
        .replace('readiness_drain_ms: 2000', 'readiness_drain_ms: 20000'),
    );
    const { serve, iterator } = await gatewayWithStalledStream();

    const started = Date.now();
    serve.signal('SIGINT');
    // Later than npm's copy of one Ctrl-C would come: the operator pressing it again.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    serve.signal('SIGINT');
    await expect(rest(iterator)).rejects.toThrow(/shutting down/);
    expect(await serve.exited).toBe(0);
    // Neither the readiness notice (20 s) nor the grace period (10 min): the second SIGINT ended both waits.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(serve.stdout).toContain('second SIGINT: ending the requests in flight now');
    const tail = await runCli(['requests', 'tail', '--json'], { cwd: dir });
    const records = tail.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.at(-1)).toMatchObject({ stream: true, errorCode: 'GW_ERR_SHUTTING_DOWN' });
  }, 30_000);
});

describe('draining', () => {
  it('marks the gateway draining as soon as shutdown begins, with a grace period fit for LLM streams', async () => {
    const harness = await GatewayHarness.start({ config: { models: [] } });
    expect(harness.gateway.snapshot.config.server.shutdown_grace_ms).toBe(120_000);
    expect(harness.gateway.draining).toBe(false);
    const closing = harness.close();
    expect(harness.gateway.draining).toBe(true);
    await closing;
  });
});
