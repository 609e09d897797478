import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, ServeProcess } from '../support/cli-process.js';

const config = (apiKey: string) => `storage: sqlite:./data/gateway.db
providers:
  - { name: p, type: openai, base_url: https://api.example.com/v1, api_key: "${apiKey}" }
models:
  - { name: chat, targets: [{ provider: p, model: m }] }
`;

/** Checking a config leaves nothing behind: no master.key, and no database from a start that could not run. */
describe('validation without side effects', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-no-effects-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('amg config validate creates no master.key for a file with a literal secret', async () => {
    await writeFile(join(dir, 'gateway.yaml'), config('sk-literal-secret-000111'));
    // A store exists (made by another command) but has never sealed a secret, so it has no key yet.
    expect((await runCli(['keys', 'list'], { cwd: dir, env: { AMG_MASTER_KEY: undefined } })).code).toBe(0);
    expect(existsSync(join(dir, 'data', 'gateway.db'))).toBe(true);
    const result = await runCli(['config', 'validate', 'gateway.yaml'], {
      cwd: dir,
      env: { AMG_MASTER_KEY: undefined },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/valid/);
    expect(existsSync(join(dir, 'data', 'master.key'))).toBe(false);
  });

  it('a first amg serve that fails on an unset variable leaves no gateway.db behind', async () => {
    await writeFile(join(dir, 'gateway.yaml'), config('${AMG_TEST_UNSET_VARIABLE}'));
    await expect(
      ServeProcess.start([], { cwd: dir, env: { AMG_TEST_UNSET_VARIABLE: undefined, AMG_ADMIN_TOKEN: undefined } }),
    ).rejects.toThrow(/AMG_TEST_UNSET_VARIABLE/);
    expect(existsSync(join(dir, 'data', 'gateway.db'))).toBe(false);
    expect(existsSync(join(dir, 'data', 'master.key'))).toBe(false);
  });
});
