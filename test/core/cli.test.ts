import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';

describe('the amg CLI', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-cli-'));
    await writeFile(
      join(dir, 'gateway.yaml'),
      `storage: sqlite:./data/cli.db
providers:
  - { name: primary, type: openai, base_url: https://api.openai.com/v1, api_key: "\${OPENAI_API_KEY}" }
models:
  - name: gpt-4o-mini
    targets: [{ provider: primary, model: gpt-4o-mini }]
`,
    );
    await writeFile(
      join(dir, 'bad.yaml'),
      `providers:
  - { name: primary, type: openai, base_url: https://api.openai.com/v1 }
models:
  - name: chat
    targets: [{ provider: primary, model: a }, { provider: bakup, model: b }]
`,
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints help for each command', async () => {
    const top = await runCli(['--help'], { cwd: dir });
    expect(top.stdout).toMatch(/serve/);
    expect(top.stdout).toMatch(/keys/);
    expect(top.stdout).toMatch(/config/);
    const keys = await runCli(['keys', '--help'], { cwd: dir });
    expect(keys.stdout).toMatch(/create/);
    expect(keys.stdout).toMatch(/revoke/);
  });

  it('validates a config file and names the exact path of each error', async () => {
    const bad = await runCli(['config', 'validate', 'bad.yaml'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('models[0].targets[1].provider: unknown provider "bakup"');

    const missingEnv = await runCli(['config', 'validate', 'gateway.yaml'], {
      cwd: dir,
      env: { OPENAI_API_KEY: undefined },
    });
    expect(missingEnv.code).toBe(1);
    expect(missingEnv.stderr).toContain('providers[0].api_key: environment variable OPENAI_API_KEY is not set');

    const good = await runCli(['config', 'validate', 'gateway.yaml'], { cwd: dir, env: { OPENAI_API_KEY: 'sk-x' } });
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/valid \(1 providers, 1 models, 0 clients\)/);
    expect(good.stdout).toMatch(/warning: models\[0\]\.targets: model "gpt-4o-mini" has a single target/);
  });

  it('creates, lists and revokes client keys on the local store without the provider keys set', async () => {
    const env = { OPENAI_API_KEY: undefined };
    const created = await runCli(['keys', 'create', '--name', 'ci', '--json'], { cwd: dir, env });
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { token: string; id: string };
    expect(key.token).toMatch(/^amg_/);

    const list = await runCli(['keys', 'list'], { cwd: dir, env });
    expect(list.stdout).toMatch(/ci\s+amg_\S+\.\.\.\s+active/);
    expect(list.stdout).not.toContain(key.token);

    const revoke = await runCli(['keys', 'revoke', 'ci'], { cwd: dir, env });
    expect(revoke.stdout).toContain(`revoked ci (${key.id})`);
    expect((await runCli(['keys', 'list'], { cwd: dir, env })).stdout).toMatch(/ci\s+\S+\s+revoked/);

    const again = await runCli(['keys', 'revoke', 'ci'], { cwd: dir, env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no active key/);
  });

  it('refuses a bad --limit on the local store with the same message as over HTTP', async () => {
    const history = await runCli(['config', 'history', '-n', 'abc'], { cwd: dir, env: { OPENAI_API_KEY: 'x' } });
    expect(history.code).toBe(1);
    expect(history.stderr).toMatch(/limit must be between 1 and 1000/);
  });
});
