import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { ADMIN_TOKEN, GatewayHarness } from '../support/gateway-harness.js';

/** Every administrative action lands in a hash-chained audit log that detects an edited record. */
describe('the audit log and named admin tokens', () => {
  let harness: GatewayHarness;
  let viewer: string;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ config: { providers: [], models: [] } });
  });
  afterAll(() => harness.close());

  const cli = (args: string[]) => runCli(args, { cwd: harness.dir });
  const audit = async (query = '') => (await harness.admin('GET', `/audit${query}`)).body.data as any[];

  it('records changes, failures and denied attempts with who, where and the outcome', async () => {
    const created = await cli(['admin-tokens', 'create', '--name', 'vic', '--role', 'viewer', '--json']);
    expect(created.code).toBe(0);
    viewer = JSON.parse(created.stdout).token;
    expect((await harness.admin('POST', '/keys', { name: 'app' })).status).toBe(201);
    expect((await harness.admin('DELETE', '/keys/app')).status).toBe(200);
    expect((await harness.admin('DELETE', '/keys/app')).status).toBe(404);
    expect((await harness.admin('POST', '/keys', { name: 'sneaky' }, viewer)).status).toBe(403);
    expect((await fetch(`${harness.adminUrl}/admin/api/keys`)).status).toBe(401);
    expect((await harness.admin('GET', '/keys', undefined, 'amg_admin_wrong')).status).toBe(401);
    expect(
      (
        await harness.admin('POST', '/config/publish', {
          content: 'models: [{ name: x, targets: [] }]',
          message: 'bad',
        })
      ).status,
    ).toBe(422);
    expect((await harness.admin('POST', '/config/publish', { content: 'models: []' })).status).toBe(400);
    expect((await harness.admin('POST', '/config/rollback', {})).status).toBe(400);

    const records = await audit();
    const summary = records.map((r) => [r.actor, r.role, r.action, r.target, r.outcome]).reverse();
    // The admin token is registered before the gateway listens; the config file is published only once it does.
    expect(summary[0]).toEqual([expect.stringMatching(/^local:/), 'local', 'admin_tokens.create', 'bootstrap', 'ok']);
    expect(records[records.length - 1].detail).toMatchObject({ role: 'admin', source: 'AMG_ADMIN_TOKEN' });
    expect(summary[1]).toEqual([expect.stringMatching(/^local:/), 'local', 'config.publish', 'revision 1', 'ok']);
    expect(summary.slice(2)).toEqual([
      [expect.stringMatching(/^local:/), 'local', 'admin_tokens.create', 'vic', 'ok'],
      ['bootstrap', 'admin', 'keys.create', 'app', 'ok'],
      ['bootstrap', 'admin', 'keys.revoke', 'app', 'ok'],
      ['bootstrap', 'admin', 'keys.revoke', 'app', 'failed'],
      ['vic', 'viewer', 'keys.create', '/admin/api/keys', 'denied'],
      ['anonymous', null, 'GET /admin/api/keys', '/admin/api/keys', 'denied'],
      ['anonymous', null, 'GET /admin/api/keys', '/admin/api/keys', 'denied'],
      ['bootstrap', 'admin', 'config.publish', 'draft', 'failed'],
      ['bootstrap', 'admin', 'config.publish', '/admin/api/config/publish', 'failed'],
      ['bootstrap', 'admin', 'config.rollback', 'previous revision', 'failed'],
    ]);
    expect(records[0].origin).toBe('127.0.0.1');
    expect(records[0].detail.error).toBe('revision 1 has no previous revision');
    expect(records[1].detail.error).toMatch(/message is required/);
    expect(records[2].detail.problems[0]).toEqual({
      path: 'models[0].targets',
      message: 'a model needs at least one target',
    });
    expect(records.find((r) => r.actor === 'vic').detail).toEqual({
      status: 403,
      reason: 'role viewer cannot make changes',
    });
  });

  it('filters by actor, action, outcome and time, and pages back', async () => {
    expect((await audit('?outcome=denied')).map((r) => r.actor)).toEqual(['anonymous', 'anonymous', 'vic']);
    expect((await audit('?action=config.publish&outcome=failed')).length).toBe(2);
    expect((await audit('?action=keys.revoke')).map((r) => r.outcome)).toEqual(['failed', 'ok']);
    expect(await audit(`?since=${new Date(Date.now() + 60_000).toISOString()}`)).toEqual([]);
    const first = await harness.admin('GET', '/audit?limit=2');
    const next = await audit(`?limit=2&before=${first.body.next_before}`);
    expect(next[0].seq).toBe(first.body.data[1].seq - 1);
    const listed = await cli(['audit', '--outcome', 'denied']);
    expect(listed.stdout).toMatch(/vic\s+viewer\s+127\.0\.0\.1\s+keys\.create\s+\/admin\/api\/keys\s+denied/);
  });

  it('manages named admin tokens: a revoked token stops working, the last admin cannot be revoked', async () => {
    const ops = await harness.admin('POST', '/admin-tokens', { name: 'ops', role: 'admin' });
    expect(ops.status).toBe(201);
    expect((await harness.admin('GET', '/keys', undefined, ops.body.token)).status).toBe(200);
    const listed = await cli(['admin-tokens', 'list']);
    expect(listed.stdout).toMatch(/ops\s+admin\s+active/);
    expect(listed.stdout).not.toContain(ops.body.token);
    expect((await harness.admin('DELETE', '/admin-tokens/ops')).status).toBe(200);
    expect((await harness.admin('GET', '/keys', undefined, ops.body.token)).status).toBe(401);
    const last = await harness.admin('DELETE', '/admin-tokens/bootstrap');
    expect(last.status).toBe(409);
    expect(last.body.error.message).toMatch(/last active admin token/);
  });

  it('verifies the chain, and names the first record edited behind its back', async () => {
    const intact = await cli(['audit', 'verify']);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/audit log intact: \d+ records verified; head record \d+/);
    expect((await harness.admin('GET', '/audit/verify')).body).toMatchObject({ ok: true });

    const database = new Database(join(harness.dir, 'gateway.db'));
    database.prepare("UPDATE audit_log SET outcome = 'ok' WHERE seq = 6").run();
    database.close();

    const broken = await cli(['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^audit log broken at record 6: hash does not match the record/);
    const overHttp = await runCli(['--url', harness.adminUrl, '--token', ADMIN_TOKEN, 'audit', 'verify'], {
      cwd: harness.dir,
    });
    expect(overHttp.code).toBe(1);
    expect((await harness.admin('GET', '/audit/verify')).body).toMatchObject({
      ok: false,
      checked: 5,
      broken: { seq: 6 },
    });
  });
});
