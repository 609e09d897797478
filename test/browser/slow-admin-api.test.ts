import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../support/gateway-harness.js';
import { chromiumAvailable, desktopPage, screenshot, signInWithToken } from './support/browser.js';
import { type OneRouteUi, startOneRouteUi } from './support/one-route-ui.js';

if (!chromiumAvailable) console.warn('SKIPPED test/browser/slow-admin-api.test.ts: /usr/bin/chromium is not installed');

const FLOW = { timeout: 120_000 };
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 200 });

/** The admin API answering in seconds (a loaded store): what the page says meanwhile, and what a second click does. */
describe.skipIf(!chromiumAvailable)('Admin UI over a slow admin API', () => {
  let ui: OneRouteUi;

  beforeAll(async () => {
    ui = await startOneRouteUi();
  }, 60_000);
  afterAll(() => ui?.close());

  it('a publish that takes seconds says so, and a second click does not publish again', FLOW, async () => {
    const { page, harness } = ui;
    await signInWithToken(page, harness.adminUrl, ADMIN_TOKEN);
    await page.goto(`${harness.adminUrl}/admin#/config`);
    const editor = page.locator('.cm-content');
    await editor.waitFor({ timeout: 30_000 });
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('\ntelemetry:\n  retention_days: 9');
    await eventually(() => page.locator('.validation').textContent()).toContain('Valid.');
    const sent: string[] = [];
    await page.route('**/admin/api/config/publish', async (route) => {
      sent.push(route.request().method());
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await route.continue();
    });
    const before = (await harness.admin('GET', '/config/revisions?limit=1')).body.data[0].number as number;
    await page.getByLabel('Message').fill('nine days');
    const publish = page.getByRole('button', { name: 'Publish' });
    await publish.click();
    // While the answer is on its way: said in words, and the button cannot be pressed again.
    await eventually(() => page.locator('[data-working]').textContent()).toBe('Publishing…');
    await screenshot(page, 'slow-publish');
    expect(await publish.isDisabled()).toBe(true);
    await publish.dispatchEvent('click');
    await page.getByLabel('Message').press('Enter');
    await eventually(() => page.getByText(`Published revision ${before + 1}.`).isVisible()).toBe(true);
    expect(await page.locator('[role=alert]').count()).toBe(0);
    expect(sent).toEqual(['POST']);
    expect(await page.locator('[data-working]').count()).toBe(0);
    await page.unroute('**/admin/api/config/publish');
  });

  it("a request's detail that failed to load says why and loads on Try again", FLOW, async () => {
    const { harness } = ui;
    const page = await desktopPage(ui.browser);
    await harness.openai().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    const [record] = await harness.records(1, 10_000);
    const id = record?.id as string;
    await signInWithToken(page, harness.adminUrl, ADMIN_TOKEN);
    // The store is busy for a moment (SQLite locked by a long write): the detail's one read fails.
    await page.route('**/admin/api/requests/*', (route) =>
      route.fulfill({ status: 503, json: { error: { message: 'database is locked', code: 'store_busy' } } }),
    );
    await page.goto(`${harness.adminUrl}/admin#/requests?id=${id}`);
    const detail = page.getByRole('complementary', { name: 'Request detail' });
    const problem = detail.getByRole('alert');
    await eventually(() => problem.textContent()).toContain('database is locked');
    await page.unroute('**/admin/api/requests/*');
    await detail.getByRole('button', { name: 'Try again' }).click();
    await eventually(() => detail.locator('h2').textContent()).toBe(id);
    expect(await problem.count()).toBe(0);
    await page.context().close();
  });

  it('Test now on a slow upstream says it is testing, and a second click sends no second request', FLOW, async () => {
    const { harness } = ui;
    const page = await desktopPage(ui.browser);
    await signInWithToken(page, harness.adminUrl, ADMIN_TOKEN);
    const before = ui.upstream.requests.length;
    ui.upstream.enqueue({ kind: 'reply', text: 'slow hello', delayMs: 3_000 });
    await page.goto(`${harness.adminUrl}/admin#/providers`);
    const button = page.getByRole('button', { name: 'test chat now' });
    await button.click();
    await eventually(() => page.getByRole('status').filter({ hasText: 'testing…' }).count()).toBe(1);
    expect(await button.isDisabled()).toBe(true);
    await button.dispatchEvent('click');
    await eventually(() => page.locator('[data-test-result="chat"]').textContent()).toContain('slow hello');
    expect(ui.upstream.requests.length - before).toBe(1);
    expect(await button.isDisabled()).toBe(false);
    await page.context().close();
  });
});
