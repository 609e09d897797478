import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { AuditLog, localActor } from '../../src/audit/audit-log.js';
import { ConfigWorkflow } from '../../src/config/change/config-workflow.js';
import { REPORT_PREFIX } from '../../src/config/environments/gateway-environments.js';
import { Keyring } from '../../src/config/secrets/master-key.js';
import { Gateway } from '../../src/server/gateway.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { ADMIN_TOKEN, CLIENT_TOKEN, fakeProvider } from '../support/gateway-harness.js';
import { openTestStore } from '../support/sqlite-store.js';

/**
 * `${VAR}` in a publish is checked against the environments of the gateways that will run it (they report
 * variable names, never values, to the store), and a start is never bricked by a stored revision.
 */
describe('config variables and the environments of running gateways', () => {
  let dir: string;
  let upstream: FakeOpenAI;
  const configPath = () => join(dir, 'gateway.yaml');
  const env = { ...process.env, AMG_ADMIN_TOKEN: ADMIN_TOKEN, GATEWAY_ONLY_SECRET: 'value-never-stored-0042' };
  const configText = (models: string[], apiKey = 'sk-upstream-secret-key') =>
    stringify({
      storage: `sqlite:${join(dir, 'gateway.db')}`,
      clients: [{ name: 'app', token: CLIENT_TOKEN }],
      providers: [{ ...fakeProvider('primary', upstream.baseUrl), api_key: apiKey }],
      models: models.map((name) => ({ name, targets: [{ provider: 'primary', model: name }] })),
    });
  const start = () => Gateway.start({ configPath: configPath(), env, listen: '127.0.0.1:0' });
  /** The CLI working on the store from a shell that has a variable the gateway lacks. */
  const cliShell = (gateway: Gateway) =>
    new ConfigWorkflow({
      store: gateway.store,
      keyring: Keyring.forStorage(join(dir, 'gateway.db'), {}),
      env: { ONLY_IN_THE_CLI_SHELL: 'sk-x', GATEWAY_ONLY_SECRET: 'x' },
      baseDir: dir,
      audit: new AuditLog(gateway.store),
      now: Date.now,
    });
  const publishFromShell = (gateway: Gateway, text: string) =>
    cliShell(gateway).publish({ source: { content: text }, message: 'from a shell', origin: 'cli' }, localActor());

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-environments-'));
    upstream = await FakeOpenAI.start();
    await writeFile(configPath(), configText(['a']));
  });
  afterAll(async () => {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports the names of its variables to the store, never their values', async () => {
    const gateway = await start();
    const rows = await gateway.store.listMeta(REPORT_PREFIX);
    expect(rows).toHaveLength(1);
    const report = JSON.parse(rows[0]?.value ?? '{}');
    expect(report).toMatchObject({ pid: process.pid, url: gateway.url });
    expect(report.envNames).toContain('GATEWAY_ONLY_SECRET');
    expect(rows[0]?.value).not.toContain('value-never-stored-0042');
    await gateway.close();
    expect(await gateway.store.listMeta(REPORT_PREFIX).catch(() => [])).toEqual([]);
  });

  it('refuses a publish whose variable is set only in the shell of the CLI, naming it and the gateway', async () => {
    const gateway = await start();
    const active = await gateway.store.activeRevisionNumber();
    const text = configText(['b'], '${ONLY_IN_THE_CLI_SHELL}');
    await expect(publishFromShell(gateway, text)).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/ONLY_IN_THE_CLI_SHELL is not set in the running gateway .*:\d+ \(http:/),
    });
    expect(await gateway.store.activeRevisionNumber()).toBe(active);
    // A variable the gateway has passes, though the shell holds another value.
    const fine = await publishFromShell(gateway, configText(['b'], '${GATEWAY_ONLY_SECRET}'));
    expect(fine).toMatchObject({ status: 'published' });
    await gateway.config.converge();
    expect([...gateway.snapshot.models.keys()]).toEqual(['b']);
    await gateway.close();
  });

  it('starts on the last earlier revision that runs here when the active one cannot, and says so', async () => {
    let gateway = await start();
    const running = gateway.snapshot.revision as number;
    await gateway.close();

    // Published while no gateway ran: no environment but the shell's could be checked.
    const store = await openTestStore(join(dir, 'gateway.db'));
    const offline = new ConfigWorkflow({
      store,
      keyring: Keyring.forStorage(join(dir, 'gateway.db'), {}, store),
      env: { ONLY_IN_THE_CLI_SHELL: 'sk-x' },
      baseDir: dir,
      audit: new AuditLog(store),
      now: Date.now,
    });
    const outcome = await offline.publish(
      { source: { content: configText(['c'], '${ONLY_IN_THE_CLI_SHELL}') }, message: 'offline', origin: 'cli' },
      localActor(),
    );
    expect(outcome).toMatchObject({ status: 'published' });
    const broken = await store.activeRevisionNumber();
    await store.close();

    gateway = await start();
    expect(gateway.snapshot.revision).toBe(running);
    expect([...gateway.snapshot.models.keys()]).toEqual(['b']);
    expect(((await gateway.status()).config as any).apply_error).toEqual({
      revision: broken,
      error: expect.stringContaining('ONLY_IN_THE_CLI_SHELL'),
    });
    await gateway.close();
  });
});
