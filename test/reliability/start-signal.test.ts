import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CLI, ServeProcess } from '../support/cli-process.js';
import { ADMIN_TOKEN } from '../support/gateway-harness.js';

/**
 * SIGTERM / SIGINT while `amg serve` is still starting (the store being created and migrated): the process
 * says so and exits 0 once its store work is done, without listening or publishing, rather than dying by the
 * signal's default action with no word; the next start is fine.
 */
describe.each(['SIGTERM', 'SIGINT'] as const)('%s during start', (signal) => {
  let dir: string;
  const env = { AMG_ADMIN_TOKEN: ADMIN_TOKEN, AMG_LOG_LEVEL: 'info' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-start-signal-'));
    await writeFile(
      join(dir, 'gateway.yaml'),
      stringify({ server: { listen: '127.0.0.1:0' }, storage: `sqlite:${dir}/data/gateway.db`, models: [] }),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('exits cleanly, and the next start serves', async () => {
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
