import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';

describe('amg usage', () => {
  it('names the flag the user typed when its value is wrong, not the admin API parameter', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'amg-usage-'));
    writeFileSync(join(cwd, 'gateway.yaml'), 'storage: sqlite:./gateway.db\n');
    const run = (...args: string[]) => runCli(['usage', '-c', 'gateway.yaml', ...args], { cwd });
    const byTeam = await run('--by', 'team');
    expect(byTeam.code).not.toBe(0);
    expect(byTeam.stderr).toContain('--by must be one of key, model, provider, tag (got "team")');
    expect(byTeam.stderr).not.toContain('group_by');
    expect((await run('--since', 'yesterday')).stderr).toContain('--since must be a duration before now');
    expect((await run('--since', '1d', '--until', '2d')).stderr).toContain('--since must be before --until');
  });
});
