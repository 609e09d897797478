import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, ServeProcess } from '../support/cli-process.js';
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
});
