import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { ADMIN_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { chromiumAvailable, launchDesktop, screenshot, signInWithToken } from './support/browser.js';

if (!chromiumAvailable) console.warn('SKIPPED test/browser/ui-audit-fixes.test.ts: /usr/bin/chromium is not installed');

const FLOW = { timeout: 60_000 };
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 200 });
/** What the header's "Try again now" sends: every poll on the page loads once more, now. */
const REFRESH_NOW = "window.dispatchEvent(new Event('amg:retry'))";

/** Defects an audit of the Admin UI found after the page-states pass, each checked where an operator meets it. */
describe.skipIf(!chromiumAvailable)('Admin UI defects from the audit', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  let browser: Browser;
  let page: Page;
  let phone: Page;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('primary', upstream.baseUrl),
          // Its key variable is unset: the provider is listed as not configured.
          fakeProvider('keyless', upstream.baseUrl, '${AMG_UIFIX_UNSET_KEY:-}'),
        ],
        models: [
          { name: 'chat', targets: [{ provider: 'primary', model: 'm' }] },
          { name: 'dark', targets: [{ provider: 'keyless', model: 'm' }] },
        ],
      },
    });
    ({ browser, page } = await launchDesktop());
    phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await signInWithToken(page, harness.adminUrl, ADMIN_TOKEN);
    await signInWithToken(phone, harness.adminUrl, ADMIN_TOKEN);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await upstream?.close();
  });

  it('a fresh store shows Traffic as one empty state, not empty charts without axes', FLOW, async () => {
    await page.goto(`${harness.adminUrl}/admin#/traffic`);
    await page.getByText('No requests in this range').waitFor();
    expect(await page.locator('main figure.chart').count()).toBe(0);
  });

  it('Providers: no Test now on a provider without its key, a half-open target told in words', FLOW, async () => {
    // A half-open target as the API reports it: its cooldown time has passed.
    await page.route('**/admin/api/providers', async (route) => {
      const body = (await (await route.fetch()).json()) as {
        data: Array<{ name: string; targets: Array<Record<string, unknown>> }>;
      };
      const target = body.data.find((p) => p.name === 'primary')?.targets[0];
      if (target)
        Object.assign(target, { state: 'half-open', cooling_until: new Date(Date.now() - 60_000).toISOString() });
      await route.fulfill({ json: body });
    });
    await page.goto(`${harness.adminUrl}/admin#/providers`);
    const dark = page.getByRole('button', { name: 'test dark now' });
    await dark.waitFor();
    expect(await dark.isDisabled()).toBe(true);
    expect(await page.getByRole('table', { name: 'Targets of keyless' }).textContent()).toContain(
      'Set AMG_UIFIX_UNSET_KEY and restart to test.',
    );
    expect(await page.getByRole('button', { name: 'test chat now' }).isDisabled()).toBe(false);
    const row = page.getByRole('table', { name: 'Targets of primary' }).locator('tbody tr').first();
    expect(await row.locator('td').nth(2).textContent()).toBe('cooldown over: the next request is a trial');
    await page.unroute('**/admin/api/providers');

    // On a phone, Test now is on screen without scrolling the table sideways.
    await phone.goto(`${harness.adminUrl}/admin#/providers`);
    const button = phone.getByRole('button', { name: 'test chat now' });
    await button.waitFor();
    const box = await button.boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(390);
    await button.click();
    await phone.locator('[data-test-result="chat"]').waitFor();
  });

  it('a failed refresh on Audit, Requests and Config says so once, in the banner', FLOW, async () => {
    for (const [path, api] of [
      ['audit', '**/admin/api/audit?*'],
      ['requests', '**/admin/api/requests?*'],
      ['config', '**/admin/api/config/revisions?*'],
    ] as const) {
      await page.goto(`${harness.adminUrl}/admin#/${path}`);
      await page.locator('main table tbody tr, main p.state.empty').first().waitFor();
      await page.route(api, (route) =>
        route.fulfill({ status: 500, json: { error: { message: 'store unavailable', code: 'store_unavailable' } } }),
      );
      await page.evaluate(REFRESH_NOW);
      await page.locator('[data-refresh-trouble]').waitFor();
      expect(await page.locator('main [role=alert]').count(), path).toBe(1);
      await page.unroute(api);
    }
  });

  it('a new filter on a slow API shows that it loads, never the old rows under the new filter', FLOW, async () => {
    await page.goto(`${harness.adminUrl}/admin#/audit`);
    const rows = page.getByRole('table', { name: 'Audit records' }).locator('tbody tr');
    await rows.first().waitFor();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/admin/api/audit?*actor=nobody*', async (route) => {
      await held;
      await route.continue();
    });
    await page.getByLabel('Actor').fill('nobody');
    await page.getByLabel('Actor').press('Tab');
    await page.getByRole('status').filter({ hasText: 'Loading the audit log' }).waitFor();
    expect(await rows.count()).toBe(0);
    release();
    await page.getByText('No audit records match these filters.').waitFor();
    await page.unroute('**/admin/api/audit?*actor=nobody*');
  });

  it('a request the gateway refused itself has no TTFT; the detail fits a phone', FLOW, async () => {
    await expect(
      harness.openai('amg_not_a_real_token_0000000000', { maxRetries: 0 }).chat.completions.create({
        model: 'chat',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toMatchObject({ status: 401 });
    const [record] = await harness.records(1);
    expect(record?.status).toBe(401);
    expect(record?.ttfbMs).toBeNull();

    await phone.goto(`${harness.adminUrl}/admin#/requests`);
    const row = phone.getByRole('table', { name: 'Requests' }).locator('tbody tr').first();
    await row.waitFor();
    expect(await row.locator('td').nth(5).textContent()).toBe('401');
    expect(await row.locator('td').nth(7).textContent()).toBe('–');

    await row.locator('button').click();
    const detail = phone.getByRole('complementary', { name: 'Request detail' });
    await eventually(() => detail.textContent()).toContain('401');
    const box = await detail.boundingBox();
    expect(box?.x).toBeGreaterThanOrEqual(0);
    expect(box && box.x + box.width).toBeLessThanOrEqual(390);
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(phone, 'phone-request-detail');
  });
});
