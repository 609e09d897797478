import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Gateway, StartStopped } from '../../src/server/gateway.js';
import { CLI, ServeProcess } from '../support/cli-process.js';
import { ADMIN_TOKEN } from '../support/gateway-harness.js';

/** A fresh directory with a config whose store does not exist yet. */
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'amg-start-signal-'));
  await writeFile(
    join(dir, 'gateway.yaml'),
    stringify({ server: { listen: '127.0.0.1:0' }, storage: `sqlite:${dir}/data/gateway.db`, models: [] }),
  );
  return dir;
}

/** Starts `amg serve` and sends `signal` as soon as its store file appears, before it serves; its exit and output. */
async function signalledDuringStart(
  dir: string,
  env: Record<string, string | undefined>,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; killedBy: NodeJS.Signals | null; output: string }> {
  const child = spawn(process.execPath, [CLI, 'serve'], { cwd: dir, env: { ...process.env, ...env } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, killedBy) => resolve({ code, signal: killedBy })),
  );
  // The store file appears as the start creates and migrates it: the signal lands before the gateway serves.
  const deadline = Date.now() + 20_000;
  while (!existsSync(join(dir, 'data', 'gateway.db'))) {
    if (Date.now() > deadline) throw new Error(`no store was created: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  child.kill(signal);
  const { code, signal: killedBy } = await exited;
  return { code, killedBy, output };
}

/**
 * SIGTERM / SIGINT while `amg serve` is still starting (the store being created and migrated): the process
 * says so and exits 0 once its store work is done, without listening or publishing, rather than dying by the
 * signal's default action with no word; the next start is fine.
 */
describe.each(['SIGTERM', 'SIGINT'] as const)('%s during start', (signal) => {
  let dir: string;
  const env = { AMG_ADMIN_TOKEN: ADMIN_TOKEN, AMG_LOG_LEVEL: 'info' };

  beforeAll(async () => {
    dir = await freshDir();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('exits cleanly, and the next start serves', async () => {
    const { code, killedBy, output } = await signalledDuringStart(dir, env, signal);
    expect({ code, killedBy }).toEqual({ code: 0, killedBy: null });
    expect(output).not.toMatch(/is running/);
    expect(output).toMatch(/stopping: signal received during start/);
    expect(output).toMatch(/stopped before serving/);
    // It never served, so it published nothing: the file becomes revision 1 at the next start.
    expect(output).not.toMatch(/config file published/);

    const next = await ServeProcess.start([], { cwd: dir, env });
    try {
      expect(next.banner).toMatch(/revision\s+1\b/);
      const health = await fetch(`${next.url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      // Stopped even when an expectation fails, so a failing run leaves no gateway behind.
      expect(await next.stop()).toBe(0);
    }
  }, 60_000);
});

/**
 * A first start stopped before it served never showed an admin token, so it must not have made one: the next
 * start generates the first, rather than telling of "the one shown at the first start" that nobody saw.
 */
describe('a first start stopped before serving', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await freshDir();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('leaves the first admin token to the next start', async () => {
    // No AMG_ADMIN_TOKEN (unset, not empty): the first start generates one.
    const env = { AMG_ADMIN_TOKEN: undefined, AMG_LOG_LEVEL: 'info' };
    const { code, output } = await signalledDuringStart(dir, env, 'SIGINT');
    expect(code).toBe(0);
    expect(output).toMatch(/stopped before serving/);
    const next = await ServeProcess.start([], { cwd: dir, env: { ...env, AMG_PRINT_ADMIN_TOKEN: '1' } });
    try {
      expect(next.banner).toMatch(/Admin token \(shown only this once/);
      expect(next.banner).not.toMatch(/the one shown at the first start/);
    } finally {
      expect(await next.stop()).toBe(0);
    }
  }, 60_000);
});

/**
 * A signal that lands after the first start generated its admin token, but before the banner showed it: the
 * token is revoked (nobody has it), so the next start generates the first one it shows.
 */
describe('a first start stopped after it made its admin token', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await freshDir();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('leaves no unshown admin token behind', async () => {
    const configPath = join(dir, 'gateway.yaml');
    const env = { ...process.env, AMG_ADMIN_TOKEN: undefined };
    // The first look (before the admin-token step) says go on; the next (after it) says stop.
    let looks = 0;
    const stopped = Gateway.start({ configPath, env, listen: '127.0.0.1:0', stopRequested: () => ++looks > 1 });
    await expect(stopped).rejects.toBeInstanceOf(StartStopped);
    expect(looks).toBe(2);

    const next = await Gateway.start({ configPath, env, listen: '127.0.0.1:0' });
    try {
      expect(next.bootstrap.kind).toBe('generated');
      const tokens = await next.store.listAdminTokens();
      expect(tokens.filter((t) => t.revokedAt === null)).toHaveLength(1);
      const actions = (await next.store.listAudit({ limit: 10 })).map((r) => r.action);
      expect(actions).toContain('admin_tokens.revoke');
    } finally {
      await next.close();
    }
  }, 60_000);
});
