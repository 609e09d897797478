import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, ServeProcess } from '../support/cli-process.js';
import { closedPort } from '../support/closed-port.js';

const ADMIN = 'amg_admin_rough_edges_0123456789abcdef';
const cwd = () => mkdtempSync(join(tmpdir(), 'amg-rough-'));

/** What a new user following the README met in the CLI. */
describe('amg rough edges', () => {
  it('status finds a gateway started with --listen elsewhere through the store, and --url still wins', async () => {
    const dir = cwd();
    const configured = `127.0.0.1:${await closedPort()}`;
    writeFileSync(join(dir, 'gateway.yaml'), `server:\n  listen: ${configured}\nstorage: sqlite:./gateway.db\n`);
    const env = { AMG_ADMIN_TOKEN: ADMIN, AMG_URL: undefined };
    const serve = await ServeProcess.start([], { cwd: dir, env });
    try {
      const found = await runCli(['status'], { cwd: dir, env });
      expect(found.stderr).toBe('');
      expect(found.code).toBe(0);
      expect(found.stdout).toContain('AI Model Gateway');
      const other = await ServeProcess.start([], { cwd: dir, env });
      try {
        const several = await runCli(['status'], { cwd: dir, env });
        expect(several.code).toBe(0);
        const note = /^amg: 2 gateways run on this store; using (\S+) \(.*--url chooses one\n$/.exec(several.stderr);
        expect([serve.url, other.url]).toContain(note?.[1]);
      } finally {
        await other.stop();
      }
      const pinned = await runCli(['status', '--url', `http://${configured}`], { cwd: dir, env });
      expect(pinned.code).toBe(1);
      expect(pinned.stderr).toContain(`cannot reach the gateway at http://${configured}`);
    } finally {
      await serve.stop();
    }
  });

  it('status without a token says so once, without a doubled "amg: amg" prefix', async () => {
    const result = await runCli(['status', '--url', 'http://127.0.0.1:9'], {
      cwd: cwd(),
      env: { AMG_ADMIN_TOKEN: undefined, AMG_URL: undefined },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('amg: status needs an admin token: pass --token or set AMG_ADMIN_TOKEN\n');
  });

  it('config validate names a keyless provider; publish and rollback show only the warnings their change brings', async () => {
    const dir = cwd();
    const config = (models: string) => `storage: sqlite:./gateway.db
providers:
  - { name: openai, type: openai, base_url: https://api.openai.com/v1, api_key: '\${OPENAI_API_KEY:-}' }
models:
${models}`;
    const one = '  - { name: a, targets: [{ provider: openai, model: m1 }] }\n';
    const two = `${one}  - { name: b, targets: [{ provider: openai, model: m2 }] }\n`;
    writeFileSync(join(dir, 'gateway.yaml'), config(one));
    const env = { OPENAI_API_KEY: undefined, AMG_URL: undefined };
    const validated = await runCli(['config', 'validate', 'gateway.yaml'], { cwd: dir, env });
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain('provider "openai" has no credentials in this environment (set OPENAI_API_KEY)');
    expect(validated.stdout).toContain('What counts is the environment of the running gateway');

    const first = await runCli(['config', 'publish', 'gateway.yaml', '-m', 'first'], { cwd: dir, env });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('model "a" has a single target');
    writeFileSync(join(dir, 'gateway.yaml'), config(two));
    const second = await runCli(['config', 'publish', 'gateway.yaml', '-m', 'second'], { cwd: dir, env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('warning: models[1].targets: model "b" has a single target');
    expect(second.stdout).not.toContain('model "a"');
    expect(second.stdout).not.toContain('no credentials');
    expect(second.stdout).toContain('(2 warnings that revision 1 has as well, not repeated');
    const back = await runCli(['config', 'rollback', '-m', 'back'], { cwd: dir, env });
    expect(back.code).toBe(0);
    expect(back.stdout).not.toContain('warning:');
    expect(back.stdout).toContain('(2 warnings that revision 2 has as well, not repeated');
    const json = await runCli(['config', 'preview', 'gateway.yaml', '--json'], { cwd: dir, env });
    const report = JSON.parse(json.stdout) as { warnings: unknown[]; unchanged_warnings: unknown[] };
    expect(report.warnings).toHaveLength(1);
    expect(report.unchanged_warnings).toHaveLength(2);
  });

  it('serve keeps the banner out of the JSON log stream and a generated admin token out of piped output', async () => {
    for (const output of ['stdout', 'stderr'] as const) {
      const dir = cwd();
      writeFileSync(join(dir, 'gateway.yaml'), `storage: sqlite:./gateway.db\nlog: { output: ${output} }\n`);
      const env = { AMG_ADMIN_TOKEN: undefined, AMG_PRINT_ADMIN_TOKEN: undefined, AMG_LOG_LEVEL: 'info' };
      const serve = await ServeProcess.start([], { cwd: dir, env });
      await serve.stop();
      const logs = output === 'stdout' ? serve.stdout : serve.stderr;
      const text = output === 'stdout' ? serve.stderr : serve.stdout;
      const lines = logs.trim().split('\n');
      for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
      const started = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((l) => l.msg === 'gateway started');
      expect(started).toMatchObject({ api: `${serve.url}/v1`, admin_token: 'generated, not printed' });
      expect(text).toContain('AI Model Gateway is running');
      expect(text).toContain('one was generated but not printed');
      // Started as the built CLI, so that is the command the banner suggests, not npm run amg -- of a checkout.
      expect(text).toContain(`node ${CLI} admin-tokens create --name me --role admin`);
      expect(text).not.toContain('npm run amg');
      expect(logs + text).not.toMatch(/amg_admin_/);
    }
  });

  it('serve names a provider without credentials in the JSON log stream, as the banner does', async () => {
    const dir = cwd();
    writeFileSync(
      join(dir, 'gateway.yaml'),
      'storage: sqlite:./gateway.db\nproviders:\n  - { name: keyless, type: openai, base_url: https://api.openai.com/v1 }\n',
    );
    const env = { OPENAI_API_KEY: undefined, AMG_ADMIN_TOKEN: 'rough-edges-admin-token-0001', AMG_LOG_LEVEL: 'warn' };
    const serve = await ServeProcess.start([], { cwd: dir, env });
    await serve.stop();
    expect(serve.stderr).toContain('keyless: not configured');
    // A collector reading only the log stream, even at warn, learns that every request to it will fail.
    const lines = serve.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: 'provider not configured: requests to its targets fail',
        provider: 'keyless',
      }),
    );
    // Once: the start's own apply of the file does not repeat it.
    expect(lines.filter((line) => line.msg === 'provider not configured: requests to its targets fail')).toHaveLength(
      1,
    );
  });

  it('serve warns on a reload that leaves a provider without credentials, as it does at start', async () => {
    const dir = cwd();
    const file = join(dir, 'gateway.yaml');
    const base =
      'storage: sqlite:./gateway.db\nproviders:\n  - { name: keyed, type: openai, base_url: https://api.openai.com/v1, api_key: sk-literal }\n';
    writeFileSync(file, base);
    const env = { OPENAI_API_KEY: undefined, AMG_ADMIN_TOKEN: 'rough-edges-admin-token-0002', AMG_LOG_LEVEL: 'warn' };
    const serve = await ServeProcess.start([], { cwd: dir, env });
    try {
      // Served: amg serve's SIGHUP handler is in place.
      expect((await fetch(`${serve.url}/healthz`)).status).toBe(200);
      expect(serve.stdout).not.toContain('provider not configured');
      writeFileSync(file, `${base}  - { name: later, type: openai, base_url: https://api.openai.com/v1 }\n`);
      serve.signal('SIGHUP');
      const warning = () =>
        serve.stdout
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .find((line) => line.msg === 'provider not configured: requests to its targets fail');
      await expect.poll(warning, { timeout: 5_000 }).toMatchObject({ level: 'warn', provider: 'later' });
      expect(warning()?.revision).toBeGreaterThan(1);
    } finally {
      await serve.stop();
    }
  });
});
