import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestStore } from '../../test/support/sqlite-store.js';
import { findChainBreak, GENESIS_HASH } from '../audit/audit-chain.js';
import type { AuditEntry } from '../audit/audit-record.js';

const entry = (n: number): AuditEntry => ({
  time: 1_700_000_000_000 + n,
  actor: `writer-${n % 2}`,
  role: 'admin',
  origin: 'local',
  action: 'keys.create',
  target: `key-${n}`,
  outcome: 'ok',
  detail: '{}',
});

describe('the audit chain in the store', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('links each record to the previous one, starting from the genesis hash', async () => {
    const store = await openTestStore();
    const first = await store.appendAudit(entry(1));
    const second = await store.appendAudit(entry(2));
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    expect(findChainBreak(await store.auditPage(0, 10), null)).toBeUndefined();
    await store.close();
  });

  it('stays one unbroken chain when two connections append at the same time', async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-audit-'));
    const file = join(dir, 'audit.db');
    const a = await openTestStore(file, 0);
    const b = await openTestStore(file, 0);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).appendAudit(entry(i))));
    const all = await a.auditPage(0, 100);
    expect(all.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(findChainBreak(all, null)).toBeUndefined();
    await a.close();
    await b.close();
  });

  it('filters newest first by actor, action and outcome', async () => {
    const store = await openTestStore();
    for (let i = 1; i <= 5; i++) await store.appendAudit(entry(i));
    await store.appendAudit({ ...entry(6), outcome: 'denied', action: 'keys.revoke' });
    const byActor = await store.listAudit({ limit: 10, actor: 'writer-1' });
    expect(byActor.map((r) => r.seq)).toEqual([5, 3, 1]);
    expect((await store.listAudit({ limit: 10, outcome: 'denied' })).map((r) => r.seq)).toEqual([6]);
    expect((await store.listAudit({ limit: 2, before: 5 })).map((r) => r.seq)).toEqual([4, 3]);
    await store.close();
  });
});
