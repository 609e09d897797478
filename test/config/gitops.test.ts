import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { AuditLog, localActor } from '../../src/audit/audit-log.js';
import { ConfigWorkflow } from '../../src/config/change/config-workflow.js';
import { REPORT_PREFIX } from '../../src/config/environments/gateway-environments.js';
import { Keyring } from '../../src/config/secrets/master-key.js';
import { Gateway } from '../../src/server/gateway.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { ADMIN_TOKEN, CLIENT_TOKEN, fakeProvider } from '../support/gateway-harness.js';

/** The config file as a first-class way to work: what `amg serve` runs on, and what SIGHUP publishes. */
describe('the config file and the store (GitOps rule)', () => {
  let dir: string;
  let upstream: FakeOpenAI;
  const configPath = () => join(dir, 'gateway.yaml');
  const env = { ...process.env, AMG_ADMIN_TOKEN: ADMIN_TOKEN };

  const configText = (models: string[]) =>
    stringify({
      storage: `sqlite:${join(dir, 'gateway.db')}`,
      clients: [{ name: 'app', token: CLIENT_TOKEN }],
      providers: [fakeProvider('primary', upstream.baseUrl)],
      models: models.map((name) => ({ name, targets: [{ provider: 'primary', model: name }] })),
    });
  const writeConfig = (models: string[]) => writeFile(configPath(), configText(models));
  const start = () => Gateway.start({ configPath: configPath(), env, listen: '127.0.0.1:0' });
  const models = (gateway: Gateway) => [...gateway.snapshot.models.keys()];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-gitops-'));
    upstream = await FakeOpenAI.start();
  });
  afterAll(async () => {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes the file on first start, and keeps a newer revision from the API across a restart', async () => {
    await writeConfig(['a']);
    let gateway = await start();
    expect(gateway.snapshot.revision).toBe(1);
    await gateway.config.workflow.publish(
      { source: { content: configText(['b']) }, message: 'hotfix', origin: 'api' },
      { name: 'alice', role: 'admin', origin: '127.0.0.1' },
    );
    expect(models(gateway)).toEqual(['b']);
    await gateway.close();

    gateway = await start();
    expect(gateway.snapshot.revision).toBe(2);
    expect(models(gateway)).toEqual(['b']);
    expect(((await gateway.status()).config as any).file).toMatchObject({ state: 'differs', file_revision: 1 });
    await gateway.close();
  });

  it('publishes the file when it changed since it was last published, on start and on SIGHUP', async () => {
    await writeConfig(['c']);
    const gateway = await start();
    expect(gateway.snapshot.revision).toBe(3);
    expect(models(gateway)).toEqual(['c']);
    const history = await gateway.config.workflow.history({ limit: 1 });
    expect(history.data[0]).toMatchObject({ number: 3, source: 'file', active: true });

    expect(await gateway.reload()).toMatchObject({ ok: true, outcome: { status: 'unchanged', revision: 3 } });
    await writeConfig(['c', 'd']);
    expect(await gateway.reload()).toMatchObject({
      ok: true,
      outcome: { status: 'published', revision: { number: 4 } },
    });
    expect(models(gateway)).toEqual(['c', 'd']);
    await gateway.close();
  });

  it('keeps running, and says why, when another process activates a revision this gateway cannot apply', async () => {
    const gateway = await start();
    const running = gateway.snapshot.revision;
    const elsewhere = new ConfigWorkflow({
      store: gateway.store,
      keyring: Keyring.forStorage(join(dir, 'gateway.db'), {}),
      env: { ONLY_IN_THE_CLI_SHELL: 'sk-x' },
      baseDir: dir,
      audit: new AuditLog(gateway.store),
      now: Date.now,
    });
    const text = configText(['c', 'd', 'e']).replace('sk-upstream-secret-key', '${ONLY_IN_THE_CLI_SHELL}');
    // As if this gateway had not reported its environment (an older version): the publish is not refused.
    for (const { key } of await gateway.store.listMeta(REPORT_PREFIX)) await gateway.store.deleteMeta(key);
    const outcome = await elsewhere.publish(
      { source: { content: text }, message: 'from a shell', origin: 'cli' },
      localActor(),
    );
    expect(outcome).toMatchObject({ status: 'published' });
    await gateway.config.converge();
    expect(gateway.snapshot.revision).toBe(running);
    expect(((await gateway.status()).config as any).apply_error).toEqual({
      revision: (running ?? 0) + 1,
      error: expect.stringContaining('environment variable ONLY_IN_THE_CLI_SHELL is not set'),
    });
    await gateway.close();
  });

  it('does not warn that the file differs when the active revision is a rollback to what the file says', async () => {
    await writeConfig(['f']);
    let gateway = await start();
    await gateway.config.workflow.publish(
      { source: { content: configText(['g']) }, message: 'try g', origin: 'api' },
      { name: 'alice', role: 'admin', origin: '127.0.0.1' },
    );
    await gateway.config.workflow.rollback({ source: 'rollback' }, { name: 'alice', role: 'admin', origin: '::1' });
    await gateway.close();
    const written = vi.spyOn(process.stderr, 'write');
    try {
      gateway = await start();
      expect(((await gateway.status()).config as any).file).toMatchObject({ state: 'same' });
      expect(written.mock.calls.map((call) => String(call[0])).join('')).not.toMatch(/newer than the config file/);
    } finally {
      written.mockRestore();
      await gateway.close();
    }
  });

  it('refuses to start on a changed file that fails validation, naming the path', async () => {
    await writeFile(
      configPath(),
      `storage: sqlite:${join(dir, 'gateway.db')}\nmodels:\n  - { name: x, targets: [{ provider: gone, model: y }] }\n`,
    );
    await expect(start()).rejects.toThrow(/models\[0\]\.targets\[0\]\.provider: unknown provider "gone"/);
  });

  it('marks a guard whose window ended while no gateway ran as interrupted, not watching forever', async () => {
    await writeConfig(['h']);
    let gateway = await start();
    const published = await gateway.config.workflow.publish(
      {
        source: { content: configText(['guarded']) },
        message: 'guarded change',
        origin: 'api',
        guard: { windowMs: 1_000, minRequests: 5, margin: 0.2 },
      },
      { name: 'alice', role: 'admin', origin: '127.0.0.1' },
    );
    expect(published).toMatchObject({ status: 'published' });
    await gateway.close();
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    gateway = await start();
    const [newest] = (await gateway.config.workflow.history({ limit: 1 })).data;
    expect(newest).toMatchObject({
      active: true,
      guard: { state: 'interrupted', detail: expect.stringContaining('stopped before the guard window ended') },
    });
    await gateway.close();
  });
});
