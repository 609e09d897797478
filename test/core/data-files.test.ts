import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServeProcess } from '../support/cli-process.js';

/** The data directory holds token hashes, request logs and encrypted secrets: only its owner may read it. */
describe('the files of the data directory', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-data-files-'));
    await writeFile(
      join(dir, 'gateway.yaml'),
      `storage: sqlite:./data/gateway.db
providers:
  - { name: p, type: openai, base_url: https://api.example.com/v1, api_key: sk-literal-data-files-0001 }
models:
  - { name: chat, targets: [{ provider: p, model: m }] }
`,
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('are created readable by their owner only: the directory, the database and its WAL', async () => {
    const serve = await ServeProcess.start([], { cwd: dir, env: { AMG_ADMIN_TOKEN: undefined } });
    try {
      const data = join(dir, 'data');
      expect((await stat(data)).mode & 0o777).toBe(0o700);
      for (const file of ['gateway.db', 'gateway.db-wal', 'gateway.db-shm', 'master.key']) {
        const path = join(data, file);
        if (!existsSync(path)) continue;
        expect((await stat(path)).mode & 0o077, file).toBe(0);
      }
      expect(existsSync(join(data, 'gateway.db-wal'))).toBe(true);
    } finally {
      await serve.stop();
    }
  });
});
