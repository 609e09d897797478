import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { runCli } from '../support/cli-process.js';
import { ADMIN_TOKEN, CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/** The config change workflow end to end: admin API, `amg config` over HTTP and on the local store. */
describe('config workflow through the admin API and the CLI', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  let config: (models: unknown[]) => string;
  let viewerToken: string;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    const base = (models: unknown[]) => ({
      providers: [fakeProvider('primary', upstream.baseUrl)],
      models,
      routing: { retries: { max_attempts: 1 } },
    });
    harness = await GatewayHarness.start({
      config: base([{ name: 'chat', targets: [{ provider: 'primary', model: 'm1' }] }]),
    });
    config = (models) =>
      stringify({
        storage: `sqlite:${join(harness.dir, 'gateway.db')}`,
        clients: [{ name: 'test-client', token: CLIENT_TOKEN }],
        ...base(models),
      });
    const viewer = await harness.admin('POST', '/admin-tokens', { name: 'val', role: 'viewer' });
    viewerToken = viewer.body.token;
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  const cli = (args: string[], url = true) =>
    runCli(url ? ['--url', harness.adminUrl, '--token', ADMIN_TOKEN, ...args] : args, { cwd: harness.dir });
  const modelIds = async () => (await harness.openai().models.list()).data.map((m) => m.id);

  it('validates with exact paths over the API and the CLI, and warns about risky settings', async () => {
    const bad = config([
      {
        name: 'chat',
        targets: [
          { provider: 'primary', model: 'm1' },
          { provider: 'bakup', model: 'x' },
        ],
      },
    ]);
    const response = await harness.admin('POST', '/config/validate', { content: bad, name: 'bad.yaml' });
    expect(response.body).toMatchObject({
      valid: false,
      errors: [{ path: 'models[0].targets[1].provider', message: 'unknown provider "bakup" (known: "primary")' }],
    });
    await writeFile(join(harness.dir, 'bad.yaml'), bad);
    for (const url of [true, false]) {
      const result = await cli(['config', 'validate', 'bad.yaml'], url);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('models[0].targets[1].provider: unknown provider "bakup"');
    }
    const good = await harness.admin('POST', '/config/validate', {
      content: config([{ name: 'chat', targets: [{ provider: 'primary', model: 'm1' }] }]),
    });
    expect(good.body.valid).toBe(true);
    expect(good.body.warnings.map((w: { path: string }) => w.path)).toEqual(
      expect.arrayContaining(['models[0].targets', 'providers[0].allow_private_network']),
    );
  });

  it('lists every problem of a config in one pass: validate over the API and the CLI, and a refused publish', async () => {
    const bad = config([
      { name: 'chat', targets: [{ provider: 'bakup', model: 'x' }] },
      { name: 'chat-2', targets: [{ provider: 'gone', model: 'y' }] },
    ]).replace('base_url:', 'api_kye: typo\n    base_url:');
    const withSchemaErrors = `${bad}server:\n  listen: nowhere\n  shutdown_grace_ms: -1\n`;
    const expected = ['providers[0]', 'server.listen', 'server.shutdown_grace_ms'];
    const validated = await harness.admin('POST', '/config/validate', { content: withSchemaErrors });
    expect(validated.body.valid).toBe(false);
    expect(validated.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(expected));
    const published = await harness.admin('POST', '/config/publish', { content: withSchemaErrors, message: 'x' });
    expect(published.status).toBe(422);
    for (const path of expected) expect(JSON.stringify(published.body)).toContain(path);
    await writeFile(join(harness.dir, 'many.yaml'), withSchemaErrors);
    for (const url of [true, false]) {
      const result = await cli(['config', 'validate', 'many.yaml'], url);
      expect(result.code).toBe(1);
      for (const path of expected) expect(result.stderr).toContain(`${path}:`);
    }
    // Once the schema passes, every cross reference is listed, not the first.
    const crossReferences = await harness.admin('POST', '/config/validate', {
      content: bad.replace('api_kye: typo\n    ', ''),
    });
    expect(crossReferences.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'models[0].targets[0].provider',
      'models[1].targets[0].provider',
    ]);
  });

  it('diffs by path, matching named items by name', async () => {
    const draft = config([
      { name: 'chat', targets: [{ provider: 'primary', model: 'm1', weight: 2 }] },
      { name: 'chat-2', targets: [{ provider: 'primary', model: 'm2' }] },
    ]);
    await writeFile(join(harness.dir, 'draft.yaml'), draft);
    const response = await harness.admin('POST', '/config/diff', { target: { content: draft, name: 'draft.yaml' } });
    expect(response.body).toEqual({
      base: 'revision 1',
      target: 'draft.yaml',
      changes: [
        { kind: 'added', path: 'models[chat].targets[primary/m1].weight', value: 2 },
        {
          kind: 'added',
          path: 'models[chat-2]',
          value: { name: 'chat-2', targets: [{ provider: 'primary', model: 'm2' }] },
        },
      ],
    });
    const text = await cli(['config', 'diff', 'draft.yaml', '--exit-code'], false);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('+ models[chat].targets[primary/m1].weight: 2\n+ models[chat-2]: ');
    expect(text.stdout).toContain('2 changes');
  });

  it('publishes through the CLI over HTTP, applies at once, and keeps history', async () => {
    const published = await cli(['config', 'publish', 'draft.yaml', '-m', 'add chat-2']);
    expect(published.code).toBe(0);
    expect(published.stdout).toMatch(/Published revision 2 \(2 changes\)/);
    expect(await modelIds()).toEqual(['chat', 'chat-2']);
    const again = await cli(['config', 'publish', 'draft.yaml', '-m', 'same again']);
    expect(again.stdout).toMatch(/No change: revision 2 already has this configuration/);
    const history = await harness.admin('GET', '/config/revisions');
    expect(history.body.data.map((r: any) => [r.number, r.active, r.source, r.author, r.message])).toEqual([
      [2, true, 'cli', 'bootstrap', 'add chat-2'],
      [1, false, 'file', expect.stringMatching(/^local:/), expect.stringContaining('(startup)')],
    ]);
    const [record] = await (async () => {
      await harness.openai().chat.completions.create({ model: 'chat-2', messages: [{ role: 'user', content: 'hi' }] });
      return harness.records(1);
    })();
    expect(record?.configRevision).toBe(2);
  });

  it('publishes on the local store without a gateway in between, and the running gateway applies it', async () => {
    await writeFile(
      join(harness.dir, 'local.yaml'),
      config([
        { name: 'chat', targets: [{ provider: 'primary', model: 'm1' }] },
        { name: 'chat-3', targets: [{ provider: 'primary', model: 'm3' }] },
      ]),
    );
    const published = await cli(['config', 'publish', 'local.yaml', '-m', 'from the shell'], false);
    expect(published.stdout).toMatch(/Published revision 3/);
    expect(published.stdout).toMatch(/apply it within 3 seconds/);
    await expect.poll(modelIds, { timeout: 6_000, interval: 200 }).toEqual(['chat', 'chat-3']);
    expect(harness.gateway.snapshot.revision).toBe(3);
  });

  it('rolls back to the previous revision by default, recorded as a new revision', async () => {
    const rolled = await harness.admin('POST', '/config/rollback', { message: 'undo the shell change' });
    expect(rolled.status).toBe(201);
    expect(rolled.body.revision).toMatchObject({
      number: 4,
      source: 'rollback',
      restored_from: 2,
      message: 'undo the shell change',
    });
    expect(await modelIds()).toEqual(['chat', 'chat-2']);
    const same = await cli(['config', 'diff', '2', '4'], false);
    expect(same.stdout).toContain('no changes');
    const history = await cli(['config', 'history']);
    expect(history.stdout).toMatch(/4\s+active\s+\S+\s+bootstrap\s+rollback \(of 2\)/);
  });

  it('refuses a publish over a revision the caller did not see', async () => {
    const stale = await harness.admin('POST', '/config/publish', {
      content: config([{ name: 'late', targets: [{ provider: 'primary', model: 'x' }] }]),
      message: 'based on an old view',
      base_revision: 2,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/active revision is now 4, not 2/);
  });

  it('shows and exports revisions as YAML that publishes back unchanged', async () => {
    const shown = await harness.admin('GET', '/config/revisions/2');
    expect(shown.body).toMatchObject({ number: 2, active: false, message: 'add chat-2' });
    expect(shown.body.content).toContain('chat-2');
    const exported = await cli(['config', 'export']);
    expect(exported.stdout).toContain('name: chat-2');
    await writeFile(join(harness.dir, 'exported.yaml'), exported.stdout);
    const republished = await cli(['config', 'publish', 'exported.yaml', '-m', 'round trip']);
    expect(republished.stdout).toMatch(/No change/);
  });

  it('lets a viewer validate, diff and preview, but not publish, and audits the refusal', async () => {
    const content = config([{ name: 'chat', targets: [{ provider: 'primary', model: 'm1' }] }]);
    for (const [path, body] of [
      ['/config/validate', { content }],
      ['/config/diff', { target: { content } }],
      ['/config/preview', { target: { content }, window: '1h' }],
    ] as const) {
      expect((await harness.admin('POST', path, body, viewerToken)).status).toBe(200);
    }
    const denied = await harness.admin('POST', '/config/publish', { content, message: 'nope' }, viewerToken);
    expect(denied.status).toBe(403);
    const audit = await harness.admin('GET', '/audit?outcome=denied&actor=val');
    expect(audit.body.data[0]).toMatchObject({
      actor: 'val',
      role: 'viewer',
      action: 'config.publish',
      outcome: 'denied',
    });
  });

  it('says in status when the config file differs from the running revision', async () => {
    const status = await runCli(['status', '--url', harness.adminUrl, '--token', ADMIN_TOKEN], { cwd: harness.dir });
    expect(status.stdout).toMatch(
      /config: revision 4 is running; the config file \S+gateway\.yaml DIFFERS from it \(2 changes; last published from the file: revision 1\)/,
    );
    const api = await harness.admin('GET', '/status');
    expect(api.body.config).toMatchObject({ revision: 4, file: { state: 'differs', file_revision: 1 } });
  });
  it('records a publish of the gateway config file as coming from the file, after which status finds no drift', async () => {
    const file = config([
      { name: 'chat', targets: [{ provider: 'primary', model: 'm1' }] },
      { name: 'from-git', targets: [{ provider: 'primary', model: 'g' }] },
    ]);
    await writeFile(harness.configPath, file);
    const published = await cli(['config', 'publish', 'gateway.yaml', '-m', 'merged in git']);
    expect(published.stdout).toMatch(/Published revision 5/);
    const history = await harness.admin('GET', '/config/revisions?limit=1');
    expect(history.body.data[0]).toMatchObject({ number: 5, source: 'file', message: 'merged in git' });
    const status = await harness.admin('GET', '/status');
    expect(status.body.config).toMatchObject({ revision: 5, file: { state: 'same', file_revision: 5 } });
  });

  it('does not make an empty revision when the rollback target already is the active configuration', async () => {
    const first = await harness.admin('POST', '/config/rollback', { revision: 4 });
    expect(first.status).toBe(201);
    const active = first.body.revision.number as number;
    for (const revision of [4, 2]) {
      const again = await harness.admin('POST', '/config/rollback', { revision });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ status: 'unchanged', revision: active });
    }
    const cli = await runCli(['config', 'rollback', '2'], { cwd: harness.dir });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/No change/);
    const history = await harness.admin('GET', '/config/revisions?limit=1');
    expect(history.body.data[0].number).toBe(active);
  });
});
