import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { closedPort } from '../support/closed-port.js';

describe('amg commands against a gateway they cannot reach', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-unreachable-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the address and the reason, for status and for admin commands through --url', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    for (const args of [['status'], ['keys', 'list']]) {
      const result = await runCli([...args, '--url', url, '--token', 'amg_admin_unused_0123456789'], { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`cannot reach the gateway at ${url} (ECONNREFUSED)`);
      expect(result.stderr).not.toContain('fetch failed');
    }
  });

  it('says why amg status cannot find a gateway whose config listens on port 0', async () => {
    await writeFile(join(dir, 'gateway.yaml'), 'server:\n  listen: 127.0.0.1:0\nproviders: []\nmodels: []\n');
    const result = await runCli(['status', '--config', 'gateway.yaml', '--token', 'amg_admin_unused_0123456789'], {
      cwd: dir,
      env: { AMG_URL: undefined },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the config listens on port 0');
    expect(result.stderr).toContain('pass --url');
  });
});
