import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { redirectLog } from '../../src/server/log.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { runCli } from '../support/cli-process.js';
import { ADMIN_TOKEN, CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/**
 * `data/` deleted under a running gateway: SQLite keeps writing to the unlinked file, so the gateway must notice
 * and say so (log, /readyz, `amg status`), and the local CLI must not create an empty store behind its back.
 */
describe('the store deleted while the gateway runs', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  let dataDir: string;
  const logged: string[] = [];
  let restoreLog: () => void;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    dataDir = join(await mkdtemp(join(tmpdir(), 'amg-deleted-')), 'data');
    harness = await GatewayHarness.start({
      config: {
        storage: `sqlite:${join(dataDir, 'gateway.db')}`,
        clients: [{ name: 'test-client', token: CLIENT_TOKEN }],
        providers: [fakeProvider('primary', upstream.baseUrl)],
        models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'm' }] }],
      },
    });
    // The CLI finds the gateway where the config file says it listens.
    const text = await readFile(harness.configPath, 'utf8');
    await writeFile(harness.configPath, `${text}server:\n  listen: ${new URL(harness.url).host}\n`);
    restoreLog = redirectLog({ write: (line: string) => logged.push(line) });
  });
  afterAll(async () => {
    restoreLog();
    await harness.close();
    await upstream.close();
    await rm(join(dataDir, '..'), { recursive: true, force: true });
  });

  const readyz = async () => (await fetch(`${harness.url}/readyz`)).json() as Promise<Record<string, unknown>>;

  it('notices the deletion, logs it, and shows it in /readyz and amg status', async () => {
    expect(await harness.gateway.storeWatch.check()).toBeUndefined();
    expect(await readyz()).toEqual({ status: 'ready' });

    await rm(dataDir, { recursive: true, force: true });
    const problem = await harness.gateway.storeWatch.check();
    expect(problem).toMatch(/gateway\.db was deleted while the gateway runs/);
    expect(logged.some((line) => line.includes('"level":"error"') && line.includes('STORE FILE MISSING'))).toBe(true);

    // Still serving: the open file takes writes; the instance is not taken out of rotation, but says why to worry.
    const probe = await readyz();
    expect(probe.status).toBe('ready');
    expect(String((probe.warnings as string[])[0])).toMatch(/^store: the database file .* was deleted/);
    const completion = await harness
      .openai()
      .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.content).toBeTruthy();

    const status = await runCli(['status', '--url', harness.adminUrl, '--token', ADMIN_TOKEN], { cwd: harness.dir });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/STORE PROBLEM: the database file \S+gateway\.db was deleted while the gateway runs/);
  });

  it('keeps the local CLI from creating an empty store behind the running gateway', async () => {
    const listed = await runCli(['keys', 'list'], { cwd: harness.dir });
    expect(listed.code).toBe(1);
    expect(listed.stderr).toMatch(/does not exist, but a gateway answers at http:\/\/127\.0\.0\.1:\d+/);
    expect(listed.stderr).toContain('will not create an empty store');
    expect(existsSync(join(dataDir, 'gateway.db'))).toBe(false);
  });

  it('announces a new store on first use, when no gateway on that store runs (one on another store may)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'amg-first-'));
    try {
      await writeFile(
        join(dir, 'gateway.yaml'),
        stringify({
          storage: 'sqlite:./data/gateway.db',
          // The running gateway answers on this port, but it uses another store: this is still a first use.
          server: { listen: new URL(harness.url).host },
          providers: [fakeProvider('primary', upstream.baseUrl)],
          models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'm' }] }],
        }),
      );
      const created = await runCli(['keys', 'create', '--name', 'first'], { cwd: dir });
      expect(created.code).toBe(0);
      expect(created.stderr).toMatch(/no store at \S+gateway\.db yet; creating a new, empty one/);
      expect(existsSync(join(dir, 'data', 'gateway.db'))).toBe(true);
      const again = await runCli(['keys', 'list'], { cwd: dir });
      expect(again.stderr).not.toContain('creating');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a gateway whose store was deleted while it wrote, stopping', () => {
  it('writes the whole store back to its path, the records written after the deletion included, and says so', async () => {
    const upstream = await FakeOpenAI.start();
    const dataDir = join(await mkdtemp(join(tmpdir(), 'amg-written-back-')), 'data');
    const file = join(dataDir, 'gateway.db');
    const logged: string[] = [];
    const harness = await GatewayHarness.start({
      config: {
        storage: `sqlite:${file}`,
        clients: [{ name: 'test-client', token: CLIENT_TOKEN }],
        providers: [fakeProvider('primary', upstream.baseUrl)],
        models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'm' }] }],
      },
    });
    const restoreLog = redirectLog({ write: (line: string) => logged.push(line) });
    try {
      const ask = () =>
        harness.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
      await ask();
      await harness.records(1);
      await rm(dataDir, { recursive: true, force: true });
      await ask();
      // Written to the open, deleted file (the writer thread runs: it just answered).
      expect(await harness.records(2)).toHaveLength(2);
      expect(existsSync(file)).toBe(false);
      await harness.gateway.close();
      const copy = new Database(file, { readonly: true });
      const count = (table: string) => (copy.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number) ?? 0;
      expect(count('requests')).toBe(2);
      // The rest of the store too: the config revisions the gateway published.
      expect(count('config_revisions')).toBeGreaterThan(0);
      copy.close();
      expect(logged.some((line) => line.includes('STORE FILE WRITTEN BACK'))).toBe(true);
    } finally {
      restoreLog();
      await harness.close();
      await upstream.close();
      await rm(join(dataDir, '..'), { recursive: true, force: true });
    }
  });
});
