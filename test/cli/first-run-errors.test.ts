import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, ServeProcess } from '../support/cli-process.js';

/** Errors a new user meets following the README and docs: each must say what to do. */
describe('first-run errors say what to do', () => {
  const cwd = () => mkdtempSync(join(tmpdir(), 'amg-first-run-'));

  it('an unquoted ${VAR} inside { } is named as such, at its line, and quoting it is valid', async () => {
    const dir = cwd();
    const config = (key: string) =>
      `storage: sqlite:./gateway.db\ntelemetry:\n  otlp:\n    endpoint: http://127.0.0.1:4318\n    headers: { x-api-key: ${key} }\n`;
    writeFileSync(join(dir, 'bad.yaml'), config('${COLLECTOR_KEY}'));
    writeFileSync(join(dir, 'good.yaml'), config("'${COLLECTOR_KEY}'"));
    const env = { COLLECTOR_KEY: 'collector-secret-0001' };
    const bad = await runCli(['config', 'validate', 'bad.yaml'], { cwd: dir, env });
    expect(bad.code).toBe(1);
    const output = bad.stdout + bad.stderr;
    expect(output).toContain("bad.yaml:5:27: a ${VAR} reference inside { } or [ ] must be quoted ('${VAR}')");
    expect(output).not.toContain('flow-map');
    const good = await runCli(['config', 'validate', 'good.yaml'], { cwd: dir, env });
    expect(good.stdout + good.stderr).toContain('good.yaml: valid');
    expect(good.code).toBe(0);
  });

  it('a weight under a strategy that ignores weights is warned about, as in the README snippet before', async () => {
    const dir = cwd();
    const config = (strategy: string) =>
      `storage: sqlite:./gateway.db
providers:
  - { name: a, type: openai, base_url: http://127.0.0.1:9/v1, api_key: sk-a, allow_private_network: true }
  - { name: b, type: openai, base_url: http://127.0.0.1:9/v1, api_key: sk-b, allow_private_network: true }
models:
  - name: chat
    strategy: ${strategy}
    targets:
      - { provider: a, model: m, weight: 3 }
      - { provider: b, model: m }
`;
    writeFileSync(join(dir, 'fallback.yaml'), config('fallback'));
    writeFileSync(join(dir, 'weighted.yaml'), config('weighted'));
    const fallback = await runCli(['config', 'validate', 'fallback.yaml'], { cwd: dir });
    expect(fallback.code).toBe(0);
    expect(fallback.stdout + fallback.stderr).toContain(
      'warning: models[0].targets[0].weight: weight 3 has no effect with strategy fallback (only strategy weighted uses weights)',
    );
    const weighted = await runCli(['config', 'validate', 'weighted.yaml'], { cwd: dir });
    expect(weighted.code).toBe(0);
    expect(weighted.stdout + weighted.stderr).not.toContain('has no effect');
  });

  it('a restart, which shows no admin token, says how to make one when the first was lost', async () => {
    const dir = cwd();
    const env = { AMG_ADMIN_TOKEN: undefined, AMG_PRINT_ADMIN_TOKEN: '1' };
    const first = await ServeProcess.start([], { cwd: dir, env });
    await first.stop();
    expect(first.banner).toContain('Admin token (shown only this once');
    expect(first.banner).not.toContain('Lost it?');
    const second = await ServeProcess.start([], { cwd: dir, env });
    await second.stop();
    expect(second.banner).not.toContain('shown only this once');
    expect(second.banner).toContain('Lost it? Make another on this store (no token needed):');
    const made = await runCli(['admin-tokens', 'create', '--name', 'me', '--role', 'admin'], { cwd: dir, env });
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/amg_admin_\S+/);
  });

  it('a listen address already taken names the way to choose another', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const dir = cwd();
      writeFileSync(join(dir, 'gateway.yaml'), 'storage: sqlite:./gateway.db\n');
      const run = await runCli(['serve', '--listen', `127.0.0.1:${port}`], {
        cwd: dir,
        env: { AMG_ADMIN_TOKEN: 'first-run-admin-token-0001' },
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`EADDRINUSE: address already in use 127.0.0.1:${port}`);
      expect(run.stderr).toContain('choose another address with --listen HOST:PORT or server.listen');
      const failure = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((entry) => entry.msg === 'gateway not started');
      expect(failure).toMatchObject({ level: 'error', error: expect.stringContaining('EADDRINUSE') });
    } finally {
      taken.close();
    }
  });

  it('a config mistake at start reaches the JSON log stream too, as one line, and the prose stays off it', async () => {
    const dir = cwd();
    writeFileSync(join(dir, 'gateway.yaml'), 'storage: sqlite:./gateway.db\nmodles: []\n');
    const run = await runCli(['serve'], { cwd: dir, env: { AMG_ADMIN_TOKEN: 'first-run-admin-token-0001' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('gateway.yaml is invalid:\n  (root): Unrecognized key: "modles"');
    // A log collector reading stdout (the default log.output) parses every line and learns why the gateway left.
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'gateway not started',
        config: join(dir, 'gateway.yaml'),
        error: expect.stringContaining('(root): Unrecognized key: "modles"'),
      }),
    ]);
  });

  it('admin-users create without a terminal or a password on stdin says how to give one', async () => {
    const dir = cwd();
    writeFileSync(join(dir, 'gateway.yaml'), 'storage: sqlite:./gateway.db\n');
    const run = await runCli(['admin-users', 'create', '--name', 'oncall', '--role', 'viewer'], {
      cwd: dir,
      input: '',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no password on stdin: run this at a terminal');
    expect(run.stderr).toContain("printf '%s\\n'");
  });
});
