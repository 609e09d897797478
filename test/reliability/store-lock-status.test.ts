import { describe, expect, it } from 'vitest';
import { withOneUpstream } from '../support/reliability-harness.js';
import { lockStore } from '../support/sqlite-store.js';

/**
 * `amg status` (the admin API's /status) while another process holds the store locked: it says that records
 * cannot be written, at once, rather than answering after the lock is gone with no trace of the problem.
 */
describe('status while the store is locked', () => {
  const setup = withOneUpstream({ telemetry: { flush_interval_ms: 100 } });

  it('reports the store problem while the lock is held, with traffic writing all along', async () => {
    const lock = lockStore(setup.harness.dir, 'IMMEDIATE');
    let sending = true;
    let sent = 0;
    // Traffic keeps records coming, so a write is always waiting out its busy timeout in front of any read.
    const traffic = (async () => {
      while (sending) {
        await setup.harness
          .openai()
          .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
        sent++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    let status: { status: number; body: any } | undefined;
    let answeredWhileLocked = false;
    try {
      // Wait until the gateway knows its writes fail (each attempt waits out the 5 s busy timeout).
      await expect
        .poll(
          () =>
            setup.harness.gateway.telemetry.pending > 0 && (setup.harness.gateway as any).storeProblems().length > 0,
          {
            timeout: 20_000,
            interval: 100,
          },
        )
        .toBe(true);
      // The lock is released after 25 s at the latest; the answer must come before, and say why.
      const release = setTimeout(() => lock.release(), 25_000);
      status = await setup.harness.admin('GET', '/status');
      answeredWhileLocked = lock.held;
      clearTimeout(release);
    } finally {
      sending = false;
      lock.release();
      await traffic;
    }
    expect(answeredWhileLocked).toBe(true);
    expect(status?.status).toBe(200);
    expect(status?.body.storage_problem).toMatch(/request records cannot be written since .*database is locked/);
    // Nothing is lost: every request's record is written once the lock is gone, and the problem clears. (Waiting
    // for `sent + 1` records, one more than there are, sat out the whole 20 s timeout on every run.)
    expect((await setup.harness.records(sent, 20_000)).length).toBeGreaterThanOrEqual(sent);
    await expect
      .poll(async () => (await setup.harness.admin('GET', '/status')).body.storage_problem, { timeout: 15_000 })
      .toBeUndefined();
  }, 90_000);
});
