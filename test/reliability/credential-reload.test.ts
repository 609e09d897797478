import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientKey } from '../../src/admin/client-keys.js';
import { hashToken } from '../../src/auth/token-hash.js';
import type { Store } from '../../src/store/store.js';
import { openSqliteStore } from '../../src/store/worker-store.js';
import { ServeProcess } from '../support/cli-process.js';

const SEEDED = 2_000;

/** Whether the token is accepted by the gateway at `url` (a list of models needs a valid key). */
async function accepted(url: string, token: string): Promise<boolean> {
  const client = new OpenAI({ apiKey: token, baseURL: `${url}/v1`, maxRetries: 0 });
  try {
    await client.models.list();
    return true;
  } catch (error) {
    if (error instanceof OpenAI.AuthenticationError) return false;
    throw error;
  }
}

/** Polls until every gateway answers `want` for the token; returns how long that took (ms). */
async function until(urls: string[], token: string, want: boolean, withinMs = 8_000): Promise<number> {
  const start = Date.now();
  for (;;) {
    const seen = await Promise.all(urls.map((url) => accepted(url, token)));
    if (seen.every((ok) => ok === want)) return Date.now() - start;
    if (Date.now() - start > withinMs) throw new Error(`gateways answered ${seen.join(', ')}, not ${want}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Two `amg serve` processes on one SQLite store, and this process writing keys as the CLI would. */
describe('client key changes across gateway processes', () => {
  let dir: string;
  let store: Store;
  const serves: ServeProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-key-reload-'));
    const file = join(dir, 'gateway.db');
    store = await openSqliteStore(file);
    const db = new Database(file);
    const insert = db.prepare(
      `INSERT INTO client_keys (id, name, token_sha256, prefix, created_at, policy) VALUES (?, ?, ?, 'amg_x', 0, '{}')`,
    );
    db.transaction(() => {
      for (let i = 0; i < SEEDED; i++) insert.run(`key_seed_${i}`, `seed-${i}`, hashToken(`seed-token-${i}`));
    })();
    db.close();
    await writeFile(
      join(dir, 'gateway.yaml'),
      `storage: sqlite:./gateway.db
providers:
  - { name: primary, type: openai, base_url: "http://127.0.0.1:9", api_key: sk-upstream-secret-key, allow_private_network: true }
models:
  - { name: gpt-4o-mini, targets: [{ provider: primary, model: gpt-4o-mini }] }
`,
    );
    for (let i = 0; i < 2; i++) {
      serves.push(
        await ServeProcess.start(['--config', 'gateway.yaml'], {
          cwd: dir,
          env: { AMG_CONFIG: undefined, AMG_LOG_LEVEL: 'debug' },
        }),
      );
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(serves.map((serve) => serve.stop()));
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a key created, then revoked, elsewhere reaches both within the 2 s check, read one key at a time', async () => {
    const urls = serves.map((serve) => serve.url);
    expect(await accepted(urls[0] ?? '', 'seed-token-7')).toBe(true);
    const { token, key } = await createClientKey(store, { name: 'ci-job' });
    await until(urls, token, true);
    await store.revokeClientKey(key.id, Date.now());
    // The documented bound is about 2 s; on a loaded machine a process may not be scheduled at once.
    expect(await until(urls, token, false)).toBeLessThan(6_000);
    expect(await accepted(urls[1] ?? '', 'seed-token-8')).toBe(true);
    for (const serve of serves) {
      const output = serve.stdout + serve.stderr;
      expect(output).toMatch(/client keys applied from the change log/);
      expect(output).not.toMatch(/reloading every client key/);
    }
  }, 30_000);
});
