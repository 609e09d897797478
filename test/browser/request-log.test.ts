import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type GatewayHarness } from '../support/gateway-harness.js';
import { chromiumAvailable, signInWithToken } from './support/browser.js';
import { type OneRouteUi, startOneRouteUi } from './support/one-route-ui.js';

if (!chromiumAvailable) console.warn('SKIPPED test/browser/request-log.test.ts: /usr/bin/chromium is not installed');

const FLOW = { timeout: 120_000 };
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 200 });

/** The request log as an operator reads it during an incident: hang-ups found by status, older rows dated. */
describe.skipIf(!chromiumAvailable)('the Requests page in headless Chromium', () => {
  let ui: OneRouteUi;
  let harness: GatewayHarness;
  let page: Page;

  beforeAll(async () => {
    ui = await startOneRouteUi();
    ({ harness, page } = ui);
  }, 60_000);
  afterAll(() => ui?.close());

  const rows = () => page.locator('table.requests tbody tr');

  it('finds the stream a client abandoned with the 499 status filter', FLOW, async () => {
    const client = harness.openai();
    await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'fine' }] });
    ui.upstream.enqueue({ kind: 'stall', after: 3 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'chat', messages: [{ role: 'user', content: 'gone' }], stream: true },
      { signal: controller.signal },
    );
    await (async () => {
      for await (const _chunk of stream) controller.abort();
    })().catch(() => undefined);
    await eventually(async () => {
      await harness.gateway.telemetry.flush();
      return (await harness.gateway.store.listRequests({ limit: 10 })).some((r) => r.status === 499);
    }).toBe(true);

    await signInWithToken(page, harness.adminUrl, ADMIN_TOKEN);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Requests' }).click();
    await page.getByRole('textbox', { name: 'Model', exact: true }).fill('chat');
    await page.getByRole('textbox', { name: 'Model', exact: true }).press('Tab');
    await eventually(() => rows().count()).toBe(2);
    await page.getByLabel('Status').selectOption('499');
    await eventually(() => rows().count()).toBe(1);
    expect(await rows().first().locator('td').nth(5).textContent()).toBe('499');
    await rows().first().locator('button').click();
    const detail = page.getByRole('complementary', { name: 'Request detail' });
    await eventually(() => detail.textContent()).toContain('499 GW_ERR_CLIENT_CLOSED');
  });

  it('dates a row that is not from today, instead of a bare time of day', FLOW, async () => {
    const first = rows().first().locator('time');
    const today = (await first.textContent()) as string;
    expect(today).toMatch(/^\d\d:\d\d:\d\d$/);
    // Two days on (the operator reads yesterday's incident): the same row carries its date.
    const when = new Date((await first.getAttribute('datetime')) as string);
    await page.clock.setFixedTime(when.getTime() + 2 * 86_400_000);
    await page.reload();
    await page.getByRole('textbox', { name: 'Model', exact: true }).fill('chat');
    await page.getByRole('textbox', { name: 'Model', exact: true }).press('Tab');
    await eventually(() => rows().count()).toBe(2);
    const day = when.toLocaleDateString('en-GB', { day: '2-digit', month: 'short' });
    expect(await rows().first().locator('time').textContent()).toBe(`${day} ${today}`);
  });
});
