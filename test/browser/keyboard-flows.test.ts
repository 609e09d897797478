import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../support/gateway-harness.js';
import { chromiumAvailable, signInWithToken } from './support/browser.js';
import { type OneRouteUi, startOneRouteUi } from './support/one-route-ui.js';

if (!chromiumAvailable) console.warn('SKIPPED test/browser/keyboard-flows.test.ts: /usr/bin/chromium is not installed');

const FLOW = { timeout: 120_000 };
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 200 });

/** The main flows with the keyboard alone, on a phone where a panel covers what is under it. */
describe.skipIf(!chromiumAvailable)('Admin UI by keyboard', () => {
  let ui: OneRouteUi;

  beforeAll(async () => {
    ui = await startOneRouteUi();
    const client = ui.harness.openai();
    for (const content of ['one', 'two']) {
      await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content }] });
    }
    await ui.harness.records(2, 10_000);
  }, 60_000);
  afterAll(() => ui?.close());

  it('opening a request moves focus into its detail; Escape closes it and returns to the row', FLOW, async () => {
    const page = await (await ui.browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await signInWithToken(page, ui.harness.adminUrl, ADMIN_TOKEN);
    await page.goto(`${ui.harness.adminUrl}/admin#/requests`);
    const opener = page.locator('table.requests tbody tr').nth(1).getByRole('button');
    await opener.waitFor();
    const name = await opener.getAttribute('aria-label');
    await opener.focus();
    await page.keyboard.press('Enter');
    const detail = page.getByRole('complementary', { name: 'Request detail' });
    await eventually(() => detail.locator('table.attempts tbody tr').count()).toBe(1);
    // The detail covers the list on a phone: focus left on the row would be on something no one can see.
    expect(await detail.evaluate((el) => el.contains(el.ownerDocument.activeElement))).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Close');
    await page.keyboard.press('Escape');
    await eventually(() => detail.count()).toBe(0);
    expect(await page.locator(':focus').getAttribute('aria-label')).toBe(name);
    // Close, pressed with the keyboard, does the same.
    await page.keyboard.press('Enter');
    // As above: Close is the first stop only once the detail has loaded (before, Tab reaches what the loading
    // state shows).
    await eventually(() => detail.locator('table.attempts tbody tr').count()).toBe(1);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await eventually(() => detail.count()).toBe(0);
    expect(await page.locator(':focus').getAttribute('aria-label')).toBe(name);
    await page.context().close();
  });
});
