import { describe, expect, it } from 'vitest';
import { openTestStore } from '../../test/support/sqlite-store.js';
import { cookieValue, Sessions } from './sessions.js';

const subject = { kind: 'user' as const, id: 'usr_1', name: 'oncall', role: 'viewer' as const };

describe('Sessions', () => {
  it('opens a session until it idles out, and touches it as it is used', async () => {
    const store = await openTestStore();
    let now = 1_000_000;
    const sessions = new Sessions(
      store,
      () => ({ sessionMs: 3_600_000, idleMs: 600_000 }),
      () => now,
    );
    const { token, session } = await sessions.create(subject, '127.0.0.1', 'test');
    expect(JSON.stringify(session)).not.toContain(token);
    now += 500_000;
    expect((await sessions.authenticate(token))?.id).toBe(session.id);
    now += 500_000; // 500 s after the last request: still inside the 600 s idle window
    expect(await sessions.authenticate(token)).toBeDefined();
    now += 600_000;
    expect(await sessions.authenticate(token)).toBeUndefined();
    await store.close();
  });

  it('ends at its expiry however active, and at once when revoked', async () => {
    const store = await openTestStore();
    let now = 0;
    const sessions = new Sessions(
      store,
      () => ({ sessionMs: 100_000, idleMs: 60_000 }),
      () => now,
    );
    const first = await sessions.create(subject, 'a', null);
    const second = await sessions.create(subject, 'b', null);
    for (now = 40_000; now < 100_000; now += 40_000) expect(await sessions.authenticate(first.token)).toBeDefined();
    now = 100_000;
    expect(await sessions.authenticate(first.token)).toBeUndefined();
    now = 0;
    expect((await sessions.list()).map((s) => s.id).sort()).toEqual([first.session.id, second.session.id].sort());
    await sessions.revoke({ id: second.session.id });
    expect(await sessions.authenticate(second.token)).toBeUndefined();
    expect(await sessions.authenticate('amg_session_unknown')).toBeUndefined();
    await store.close();
  });

  it('reads the session cookie among others', () => {
    expect(cookieValue('a=1; amg_session=xyz; b=2', 'amg_session')).toBe('xyz');
    expect(cookieValue('amg_sessionx=1', 'amg_session')).toBeUndefined();
    expect(cookieValue(undefined, 'amg_session')).toBeUndefined();
  });
});
