import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { runCli, ServeProcess } from '../support/cli-process.js';
import { OtlpReceiver } from '../support/otlp-receiver.js';

const UPSTREAM_KEY = 'sk-literal-SECRET-upstream-7f3a';
const HEADER_VALUE = 'org-SECRET-header-19c2';
const CLIENT_SECRET = 'client-SECRET-token-0a1b2c3d';
const ROTATED_KEY = 'sk-literal-SECRET-rotated-55d1';
const METRICS_TOKEN = 'metrics-SECRET-token-6e4d9a';
const OTLP_HEADER = 'otlp-SECRET-header-3b8f21';
/** Given through `${AMG_TEST_OTLP_KEY}`: the config holds the reference, the environment the value. */
const OTLP_ENV_VALUE = 'otlp-SECRET-from-env-c4a7';
const SECRETS = [UPSTREAM_KEY, HEADER_VALUE, CLIENT_SECRET, ROTATED_KEY, METRICS_TOKEN, OTLP_HEADER, OTLP_ENV_VALUE];
const ADMIN = 'amg_admin_secrets_test_0123456789';

/** Literal secrets in a config reach the upstream, and nothing else: no API, CLI output, log or database byte. */
describe('secrets in config revisions', () => {
  let dir: string;
  let upstream: FakeOpenAI;
  let receiver: OtlpReceiver;
  let serve: ServeProcess;
  const outputs: string[] = [];

  const config = (key: string, extra = '') => `storage: sqlite:./data/gateway.db
providers:
  - name: primary
    type: openai
    base_url: ${upstream.baseUrl}
    allow_private_network: true
    api_key: ${key}
    headers: { x-org: ${HEADER_VALUE} }
models:
  - name: chat
    targets: [{ provider: primary, model: m }]
clients:
  - { name: app, token: ${CLIENT_SECRET} }
metrics: { token: ${METRICS_TOKEN} }
telemetry:
  otlp:
    endpoint: ${receiver.url}
    protocol: http/json
    headers: { x-collector-key: ${OTLP_HEADER}, x-collector-env: "\${AMG_TEST_OTLP_KEY}" }
${extra}`;
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${serve.url}/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    outputs.push(text);
    return { status: response.status, text };
  };
  const cli = async (args: string[], url = false) => {
    const result = await runCli(url ? ['--url', serve.url, '--token', ADMIN, ...args] : args, { cwd: dir });
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  const databaseBytes = async () => {
    const files = ['gateway.db', 'gateway.db-wal'].map((f) => join(dir, 'data', f)).filter((f) => existsSync(f));
    return Promise.all(files.map(async (file) => ({ file, bytes: await readFile(file) })));
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-secrets-'));
    process.env.AMG_TEST_OTLP_KEY = OTLP_ENV_VALUE;
    upstream = await FakeOpenAI.start({ apiKey: UPSTREAM_KEY });
    receiver = await OtlpReceiver.start();
    await writeFile(join(dir, 'gateway.yaml'), config(UPSTREAM_KEY));
    serve = await ServeProcess.start([], {
      cwd: dir,
      env: { AMG_ADMIN_TOKEN: ADMIN, AMG_LOG_LEVEL: 'debug', AMG_MASTER_KEY: undefined },
    });
  });
  afterAll(async () => {
    await serve?.stop();
    await upstream.close();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('decrypts them to serve requests: the upstream gets its key and header, the client token works', async () => {
    const client = new OpenAI({ apiKey: CLIENT_SECRET, baseURL: `${serve.url}/v1`, maxRetries: 0 });
    await expect(
      client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
    ).resolves.toMatchObject({
      object: 'chat.completion',
    });
    const sent = upstream.requestsTo('/v1/chat/completions')[0];
    expect(sent?.headers).toMatchObject({ authorization: `Bearer ${UPSTREAM_KEY}`, 'x-org': HEADER_VALUE });
    expect((await stat(join(dir, 'data', 'master.key'))).mode & 0o777).toBe(0o600);
  });

  it('uses the metrics token for scrapers and the OTLP headers, literal and from the environment, for the collector', async () => {
    const scrape = (token: string) =>
      fetch(`${serve.url}/metrics`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await scrape(METRICS_TOKEN)).toBe(200);
    expect(await scrape('not-the-metrics-token-000')).toBe(401);
    await expect.poll(() => receiver.requestHeaders.length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(receiver.requestHeaders[0]).toMatchObject({
      'x-collector-key': OTLP_HEADER,
      'x-collector-env': OTLP_ENV_VALUE,
    });
  });

  it('shows them nowhere: API responses, CLI output, diff, export, audit, logs and the database files', async () => {
    await writeFile(join(dir, 'rotated.yaml'), config(ROTATED_KEY));
    const published = await cli(['config', 'publish', 'rotated.yaml', '-m', 'rotate the key']);
    expect(published.stdout).toContain('~ providers[primary].api_key: changed (secret)');
    await writeFile(join(dir, 'broken.yaml'), config(UPSTREAM_KEY, `oops: ]] ${ROTATED_KEY}\n`));
    expect((await cli(['config', 'publish', 'broken.yaml', '-m', 'broken'])).code).toBe(1);
    await writeFile(join(dir, 'gateway.yaml'), config(UPSTREAM_KEY, `oops: ]] ${UPSTREAM_KEY}\n`));
    serve.signal('SIGHUP');
    await expect.poll(() => serve.stdout, { timeout: 5_000 }).toMatch(/config reload failed/);
    const unreadable = await cli(['config', 'history']);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toContain('Unexpected scalar token in YAML stream');
    await writeFile(join(dir, 'gateway.yaml'), config(UPSTREAM_KEY));

    for (const path of [
      '/status',
      '/providers',
      '/config/revisions',
      '/config/revisions/1',
      '/config/revisions/2',
      '/config/export',
      '/config/export?format=yaml',
      '/audit?limit=1000',
    ]) {
      expect((await admin('GET', path)).status).toBe(200);
    }
    expect((await admin('POST', '/config/diff', { base: { revision: 1 }, target: { revision: 2 } })).text).toContain(
      '"secret":true',
    );
    expect((await admin('POST', '/config/preview', { target: { revision: 1 } })).status).toBe(200);
    expect((await admin('POST', '/config/validate', { revision: 2 })).status).toBe(200);
    for (const url of [false, true]) {
      for (const args of [
        ['config', 'export'],
        ['config', 'show', '1'],
        ['config', 'diff', '1', '2'],
        ['config', 'history'],
        ['audit', '-n', '1000', '--json'],
        ['config', 'preview', '2'],
      ]) {
        expect((await cli(args, url)).code).toBe(0);
      }
    }
    const files = await databaseBytes();
    expect(files.length).toBeGreaterThan(0);
    await serve.stop();
    files.push(...(await databaseBytes()));

    const everything = [...outputs, serve.stdout, serve.stderr].join('\n');
    expect(everything).toContain('<redacted>');
    for (const secret of SECRETS) {
      expect(everything).not.toContain(secret);
      for (const { file, bytes } of files)
        expect(bytes.includes(Buffer.from(secret)), `${secret} in ${file}`).toBe(false);
    }
  }, 90_000);
});
