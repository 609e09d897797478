import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { runCli, ServeProcess } from '../support/cli-process.js';

const UPSTREAM_KEY = 'sk-literal-master-key-test-77aa';
const ADMIN = 'amg_admin_master_key_test_0123456789';

/** A gateway restarted without the master key its secrets were encrypted with says so, and loses nothing. */
describe('restarting with the wrong or a missing master key', () => {
  let dir: string;
  let upstream: FakeOpenAI;
  const keyFile = () => join(dir, 'data', 'master.key');
  const env = (extra: Record<string, string | undefined> = {}) => ({
    AMG_ADMIN_TOKEN: ADMIN,
    AMG_MASTER_KEY: undefined,
    ...extra,
  });
  const startFails = async (extra: Record<string, string | undefined>): Promise<string> => {
    try {
      const serve = await ServeProcess.start([], { cwd: dir, env: env(extra) });
      await serve.stop();
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('amg serve started');
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-master-key-'));
    upstream = await FakeOpenAI.start({ apiKey: UPSTREAM_KEY });
    await writeFile(
      join(dir, 'gateway.yaml'),
      `storage: sqlite:./data/gateway.db
providers:
  - { name: primary, type: openai, base_url: ${upstream.baseUrl}, allow_private_network: true, api_key: ${UPSTREAM_KEY} }
models:
  - { name: chat, targets: [{ provider: primary, model: m }] }
`,
    );
    const first = await ServeProcess.start([], { cwd: dir, env: env() });
    await first.stop();
    expect(existsSync(keyFile())).toBe(true);
  });
  afterAll(async () => {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start with another AMG_MASTER_KEY, naming the key, not the config file', async () => {
    const message = await startFails({ AMG_MASTER_KEY: randomBytes(32).toString('hex') });
    expect(message).toMatch(/AMG_MASTER_KEY/);
    expect(message).toMatch(/not the (one|key)/);
    expect(message).not.toMatch(/gateway\.yaml is invalid/);
  });

  it('refuses to start when master.key is missing, and does not make a new one in its place', async () => {
    const original = await readFile(keyFile(), 'utf8');
    await rename(keyFile(), join(dir, 'master.key.saved'));
    const message = await startFails({});
    expect(message).toMatch(/master\.key/);
    expect(message).toMatch(/restore/);
    expect(existsSync(keyFile())).toBe(false);

    const publish = await runCli(['config', 'publish', 'gateway.yaml', '-m', 'without the key'], {
      cwd: dir,
      env: env(),
    });
    expect(publish.code).toBe(1);
    expect(publish.stderr).toMatch(/restore/);
    expect(existsSync(keyFile())).toBe(false);

    await rename(join(dir, 'master.key.saved'), keyFile());
    expect(await readFile(keyFile(), 'utf8')).toBe(original);
  });

  it('starts again once the right key is back, with every revision intact', async () => {
    const serve = await ServeProcess.start([], { cwd: dir, env: env() });
    try {
      const response = await fetch(`${serve.url}/admin/api/config/revisions`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      const history = (await response.json()) as { data: unknown[] };
      expect(history.data).toHaveLength(1);
      const validated = await runCli(['config', 'validate', '1'], { cwd: dir, env: env() });
      expect(validated.code).toBe(0);
    } finally {
      await serve.stop();
    }
  });
});
