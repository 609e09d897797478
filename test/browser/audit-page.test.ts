import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, GatewayHarness } from '../support/gateway-harness.js';
import { chromiumAvailable, launchDesktop, signInWithToken } from './support/browser.js';

if (!chromiumAvailable) console.warn('SKIPPED test/browser/audit-page.test.ts: /usr/bin/chromium is not installed');

const FLOW = { timeout: 120_000 };
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 200 });

/** After a busy incident the audit log holds more than one page: the older records must still be reachable. */
describe.skipIf(!chromiumAvailable)('the Audit page in headless Chromium', () => {
  let harness: GatewayHarness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ config: { providers: [], models: [] } });
    ({ browser, page } = await launchDesktop());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  const seqs = async () => (await page.locator('tbody tr td:first-child').allTextContents()).map(Number);

  it('pages back past the newest 100 records and returns to the newest', FLOW, async () => {
    for (let batch = 0; batch < 6; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => harness.admin('POST', '/keys', { name: `app-${batch}-${i}` })),
      );
    }
    await signInWithToken(page, harness.adminUrl, ADMIN_TOKEN);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Audit' }).click();
    await eventually(() => page.locator('tbody tr').count()).toBe(100);
    const newest = await seqs();
    const total = Math.max(...newest);
    expect(total).toBeGreaterThan(120);

    await page.getByRole('button', { name: 'Older' }).click();
    await eventually(async () => Math.max(...(await seqs()))).toBe(Math.min(...newest) - 1);
    const older = await seqs();
    expect(older.length).toBe(Math.min(100, total - 100));
    await page.getByRole('button', { name: 'Newest' }).click();
    await eventually(async () => Math.max(...(await seqs()))).toBeGreaterThanOrEqual(total);
  });
});
