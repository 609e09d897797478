import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/build-if-stale.mjs', import.meta.url));

function run(cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT], { cwd });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** `npm start` builds only when a source changed since the last build, so a second start skips tsc. */
describe('build-if-stale', () => {
  let dir: string;
  const builds = async () => (await readFile(join(dir, 'builds.log'), 'utf8').catch(() => '')).length;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-stale-'));
    await mkdir(join(dir, 'src'));
    await mkdir(join(dir, 'dist'));
    await writeFile(join(dir, 'src', 'a.ts'), 'export const a = 1;\n');
    // A stand-in build that notes each run.
    const build = "require('fs').appendFileSync('builds.log', 'x')";
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'stale-test', scripts: { build: `node -e "${build}"` } }),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('builds the first time, skips when nothing changed, and builds again after a source changes', async () => {
    expect(await run(dir)).toMatchObject({ code: 0, stderr: 'building...\n' });
    expect(await builds()).toBe(1);
    expect(await run(dir)).toMatchObject({ code: 0, stderr: '' });
    expect(await builds()).toBe(1);
    const later = new Date(Date.now() + 5_000);
    await utimes(join(dir, 'src', 'a.ts'), later, later);
    expect(await run(dir)).toMatchObject({ code: 0, stderr: 'sources changed; building...\n' });
    expect(await builds()).toBe(2);
  });
});
