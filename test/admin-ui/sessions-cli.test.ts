import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/cli-process.js';
import { GatewayHarness } from '../support/gateway-harness.js';

/** Runs the built CLI with `input` on its stdin (how scripts hand it a password). */
function runWithStdin(args: string[], input: string, cwd: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('amg admin-users and amg sessions', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ config: {} });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('creates a user from a password on stdin, lists and revokes their session, and deletes them', {
    timeout: 90_000,
  }, async () => {
    const cfg = ['--config', harness.configPath];
    const created = await runWithStdin(
      [...cfg, 'admin-users', 'create', '--name', 'oncall', '--role', 'viewer'],
      'a long enough password\n',
      harness.dir,
    );
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain('Created admin user "oncall" (viewer');

    const signIn = await fetch(`${harness.adminUrl}/admin/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: harness.adminUrl },
      body: JSON.stringify({ username: 'oncall', password: 'a long enough password' }),
    });
    expect(signIn.status).toBe(201);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const { id } = (await signIn.json()) as { id: string };

    const listed = await runCli([...cfg, 'sessions', 'list', '--json'], { cwd: harness.dir });
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id, name: 'oncall', role: 'viewer' })]);

    const revoked = await runCli([...cfg, 'sessions', 'revoke', id], { cwd: harness.dir });
    expect(revoked.stdout).toContain(`revoked session ${id}`);
    const after = await fetch(`${harness.adminUrl}/admin/api/session`, { headers: { cookie } });
    expect(after.status).toBe(401);

    const users = await runCli([...cfg, 'admin-users', 'list', '--json'], { cwd: harness.dir });
    expect(JSON.parse(users.stdout)).toEqual([expect.objectContaining({ name: 'oncall', role: 'viewer' })]);
    expect(users.stdout).not.toContain('argon2');
    const deleted = await runCli([...cfg, 'admin-users', 'delete', 'oncall'], { cwd: harness.dir });
    expect(deleted.stdout).toContain('deleted oncall');

    const audit = await harness.admin('GET', '/audit?limit=50');
    const actions = audit.body.data.map((r: { action: string }) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['admin_users.create', 'session.revoke', 'admin_users.delete']));
  });

  it('refuses a short password without storing anything', async () => {
    const result = await runWithStdin(
      ['--config', harness.configPath, 'admin-users', 'create', '--name', 'weak'],
      'short\n',
      harness.dir,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('at least 12 characters');
  });
});
