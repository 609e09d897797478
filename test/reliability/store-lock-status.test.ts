import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/**
 * `amg status` (the admin API's /status) while another process holds the store locked: it says that records
 * cannot be written, at once, rather than answering after the lock is gone with no trace of the problem.
 */
describe('status while the store is locked', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        clients: [{ name: 'test-client', token: CLIENT_TOKEN }],
        providers: [fakeProvider('primary', upstream.baseUrl)],
        models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'm' }] }],
        telemetry: { flush_interval_ms: 100 },
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  it('reports the store problem while the lock is held, with traffic writing all along', async () => {
    const locker = new Database(join(harness.dir, 'gateway.db'));
    locker.exec('BEGIN IMMEDIATE');
    let sending = true;
    let sent = 0;
    // Traffic keeps records coming, so a write is always waiting out its busy timeout in front of any read.
    const traffic = (async () => {
      while (sending) {
        await harness.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
        sent++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    let status: { status: number; body: any } | undefined;
    let answeredWhileLocked = false;
    try {
      // Wait until the gateway knows its writes fail (each attempt waits out the 5 s busy timeout).
      await expect
        .poll(() => harness.gateway.telemetry.pending > 0 && (harness.gateway as any).storeProblems().length > 0, {
          timeout: 20_000,
          interval: 100,
        })
        .toBe(true);
      // The lock is released after 25 s at the latest; the answer must come before, and say why.
      const release = setTimeout(() => {
        if (locker.inTransaction) locker.exec('COMMIT');
      }, 25_000);
      status = await harness.admin('GET', '/status');
      answeredWhileLocked = locker.inTransaction;
      clearTimeout(release);
    } finally {
      sending = false;
      if (locker.inTransaction) locker.exec('COMMIT');
      locker.close();
      await traffic;
    }
    expect(answeredWhileLocked).toBe(true);
    expect(status?.status).toBe(200);
    expect(status?.body.storage_problem).toMatch(/request records cannot be written since .*database is locked/);
    // Nothing is lost: every request's record is written once the lock is gone, and the problem clears.
    expect((await harness.records(sent + 1, 20_000)).length).toBeGreaterThanOrEqual(sent);
    await expect
      .poll(async () => (await harness.admin('GET', '/status')).body.storage_problem, { timeout: 15_000 })
      .toBeUndefined();
  }, 90_000);
});
