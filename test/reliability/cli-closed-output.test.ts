import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli-process.js';
import { requestRecord } from '../support/request-records.js';
import { openTestStore } from '../support/sqlite-store.js';

/** `amg requests tail --json | head -1` during an incident: the command ends quietly, as `git log | head` does. */
describe('an amg command whose reader stops reading', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-cli-closed-'));
    await writeFile(join(dir, 'gateway.yaml'), 'storage: sqlite:./data/gateway.db\nproviders: []\nmodels: []\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 with nothing on stderr when stdout closes after the first line', async () => {
    await mkdir(join(dir, 'data'));
    const store = await openTestStore(join(dir, 'data', 'gateway.db'));
    await store.insertRequests(Array.from({ length: 1000 }, (_, i) => requestRecord({ id: `req_closed_${i}` })));
    await store.close();

    const child = spawn(process.execPath, [CLI, 'requests', 'tail', '--json', '--limit', '1000'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    // The reader takes one chunk and goes away, as `head -1` does.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
