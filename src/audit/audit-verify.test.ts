import { describe, expect, it } from 'vitest';
import { openTestStore } from '../../test/support/sqlite-store.js';
import { AuditLog } from './audit-log.js';
import { verifyAuditChain } from './audit-verify.js';

describe('verifyAuditChain', () => {
  it('checks every page and names the first record that no longer matches its hash', async () => {
    const store = await openTestStore();
    const audit = new AuditLog(store, () => 1_700_000_000_000);
    for (let i = 0; i < 7; i++) {
      await audit.record(
        { name: 'alice', role: 'admin', origin: '127.0.0.1' },
        { action: 'keys.create', outcome: 'ok', target: `k${i}` },
      );
    }
    expect(await verifyAuditChain(store, 3)).toMatchObject({ ok: true, checked: 7, head: { seq: 7 } });

    await store.kysely.updateTable('audit_log').set({ target: 'k-edited' }).where('seq', '=', 5).execute();
    expect(await verifyAuditChain(store, 3)).toEqual({
      ok: false,
      checked: 4,
      broken: { seq: 5, reason: 'hash does not match the record: it was modified after it was written' },
    });

    await store.kysely.deleteFrom('audit_log').where('seq', '=', 2).execute();
    expect(await verifyAuditChain(store, 3)).toMatchObject({
      ok: false,
      broken: { seq: 3, reason: expect.stringContaining('records 2..2 are missing') },
    });
    await store.close();
  });

  it('never writes a secret-named value into the detail', async () => {
    const store = await openTestStore();
    const audit = new AuditLog(store);
    const record = await audit.record(
      { name: 'alice', role: 'admin', origin: 'local' },
      {
        action: 'keys.create',
        outcome: 'ok',
        detail: { name: 'app', token: 'amg_supersecret', nested: { api_key: 'sk-x' } },
      },
    );
    expect(record?.detail).toBe('{"name":"app","nested":{"api_key":"<redacted>"},"token":"<redacted>"}');
    await store.close();
  });
});
