import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../support/gateway-harness.js';
import { chromiumAvailable, screenshot, signInWithToken } from './support/browser.js';
import { type OneRouteUi, startOneRouteUi } from './support/one-route-ui.js';

if (!chromiumAvailable) console.warn('SKIPPED test/browser/page-states.test.ts: /usr/bin/chromium is not installed');

const FLOW = { timeout: 120_000 };
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 200 });
const PAGES = ['overview', 'traffic', 'requests', 'usage', 'providers', 'clients', 'config', 'audit', 'diagnostics'];

/** The UI as a new operator meets it: a fresh store, no traffic, a phone, another time zone, a failing API. */
describe.skipIf(!chromiumAvailable)('Admin UI pages in states no one had looked at', () => {
  let ui: OneRouteUi;
  let phone: Page;

  beforeAll(async () => {
    ui = await startOneRouteUi();
    const context = await ui.browser.newContext({ viewport: { width: 390, height: 844 }, timezoneId: 'Asia/Kolkata' });
    phone = await context.newPage();
  }, 60_000);
  afterAll(() => ui?.close());

  it('no page scrolls sideways at 390 px: a wide table scrolls inside its own box', FLOW, async () => {
    await signInWithToken(phone, ui.harness.adminUrl, ADMIN_TOKEN);
    const wide: string[] = [];
    for (const path of PAGES) {
      await phone.goto(`${ui.harness.adminUrl}/admin#/${path}`);
      await phone.locator('main h1').waitFor();
      await eventually(() => phone.locator('main p.state[role=status]', { hasText: 'Loading' }).count()).toBe(0);
      const width = await phone.evaluate('document.documentElement.scrollWidth');
      if ((width as number) > 390) wide.push(`${path}: ${width} px`);
      await screenshot(phone, `phone-${path}`);
    }
    expect(wide).toEqual([]);
  });

  it('states the time zone once and writes dates with the month spelled, the same on every page', FLOW, async () => {
    await phone.goto(`${ui.harness.adminUrl}/admin#/audit`);
    expect(await phone.locator('[data-time-zone]').textContent()).toMatch(/Asia\/(Kolkata|Calcutta) \(GMT\+5:30\)/);
    const records = (await ui.harness.admin('GET', '/audit')).body.data as Array<{ time: string }>;
    const first = phone.getByRole('table', { name: 'Audit records' }).locator('tbody tr').first();
    await first.waitFor();
    // 05:30 ahead of UTC, the month as a word: "06 Dec 2026, 08:21:42" is not read as the 12th of June.
    const at = new Date(new Date(records[0]?.time ?? '').getTime() + 5.5 * 3_600_000);
    const month = at.toLocaleDateString('en-GB', { month: 'short', timeZone: 'UTC' });
    const expected = `${String(at.getUTCDate()).padStart(2, '0')} ${month} ${at.getUTCFullYear()}, ${at.toISOString().slice(11, 19)}`;
    expect(await first.locator('td').nth(1).textContent()).toBe(expected);
    await phone.goto(`${ui.harness.adminUrl}/admin#/config`);
    const revision = phone.getByRole('table', { name: 'Config revisions' }).locator('tbody tr').first();
    await revision.waitFor();
    expect(await revision.locator('td').nth(1).textContent()).toMatch(/^\d{2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2}$/);
  });

  it('a quiet window draws its sparkline as a whole flat line, not a stroke cut by the edge', FLOW, async () => {
    const { page, harness } = ui;
    await signInWithToken(page, harness.adminUrl, ADMIN_TOKEN);
    const canvas = page.locator('[data-window="5m"] .sparkline canvas');
    await canvas.waitFor();
    // The lowest row of the line (opaque pixels; the fill under it is faint): on the last rows, half of the
    // line's width is outside the chart.
    const lowest = await canvas.evaluate((el) => {
      const c = el as unknown as {
        height: number;
        width: number;
        getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: number[] } };
      };
      const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let low = -1;
      for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 160) low = Math.floor((i - 3) / 4 / c.width);
      return { low, height: c.height };
    });
    expect(lowest.low).toBeGreaterThan(0);
    expect(lowest.low).toBeLessThan(lowest.height - 2);
  });

  it('a refresh that fails keeps the page, says why in words and how old the data is, and retries', FLOW, async () => {
    const { page, harness } = ui;
    await page.goto(`${harness.adminUrl}/admin#/overview`);
    await page.locator('[data-window="5m"]').waitFor();
    await page.route('**/admin/api/overview', (route) =>
      route.fulfill({ status: 500, json: { error: { message: 'store unavailable', code: 'store_unavailable' } } }),
    );
    const banner = page.locator('[data-refresh-trouble]');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.getAttribute('role')).toBe('alert');
    expect(await banner.textContent()).toMatch(
      /Could not refresh: store unavailable\. What this page shows is from \d/,
    );
    expect(await page.locator('[data-window="5m"]').count()).toBe(1);
    await screenshot(page, 'refresh-failed');
    await page.unroute('**/admin/api/overview');
    await page.getByRole('button', { name: 'Try again now' }).click();
    await eventually(() => banner.count()).toBe(0);
  });

  it('keeps what was typed when the session ends mid-work: sign in again and it is still there', FLOW, async () => {
    const { browser, harness } = ui;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInWithToken(page, harness.adminUrl, ADMIN_TOKEN);
    await page.goto(`${harness.adminUrl}/admin#/clients`);
    await page.getByRole('button', { name: 'New client key' }).click();
    await page.getByLabel('New client name').fill('half-typed-key');
    const sessions = (await harness.admin('GET', '/sessions')).body.data as Array<{ id: string; createdAt: string }>;
    for (const session of sessions) await harness.admin('DELETE', `/sessions/${session.id}`);
    // The page's next request (a new usage period, not the auto-refresh) meets a 401: the sign-in form shows.
    await page.getByLabel('Usage over the last').selectOption('7d');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByRole('tab', { name: 'Admin token' }).click();
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Pages', exact: true }).waitFor();
    expect(await page.getByLabel('New client name').inputValue()).toBe('half-typed-key');
    expect(await page.locator('[data-refresh-trouble]').count()).toBe(0);
    await context.close();
  });

  it('gives another principal of the same name fresh pages when it signs in over an ended session', FLOW, async () => {
    const { browser, harness } = ui;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // AMG_ADMIN_TOKEN is registered as the admin token "bootstrap"; a viewer user may carry the same name.
    await signInWithToken(page, harness.adminUrl, ADMIN_TOKEN);
    const user = { name: 'bootstrap', role: 'viewer', password: 'viewer-password-0123' };
    expect((await harness.admin('POST', '/admin-users', user)).status).toBe(201);
    await page.goto(`${harness.adminUrl}/admin#/requests`);
    // Loaded first: a render after the fill would put the field back to the page's (empty) filter.
    await eventually(() => page.locator('main p.state[role=status]', { hasText: 'Loading' }).count()).toBe(0);
    await page.getByRole('textbox', { name: 'Model', exact: true }).fill('typed-by-the-admin-token');
    // Applied (the page's own state, not just the field's): its query goes out with the filter.
    const applied = page.waitForResponse((response) => response.url().includes('model=typed-by-the-admin-token'));
    await page.getByRole('textbox', { name: 'Model', exact: true }).press('Tab');
    await applied;
    const sessions = (await harness.admin('GET', '/sessions')).body.data as Array<{ id: string }>;
    for (const session of sessions) await harness.admin('DELETE', `/sessions/${session.id}`);
    // The page's next request meets a 401: the sign-in form shows over the kept page.
    await page.getByLabel('Status').selectOption('4xx');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByLabel('User name').fill(user.name);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Pages', exact: true }).waitFor();
    await page.getByRole('textbox', { name: 'Model', exact: true }).waitFor();
    // Not the admin token's page: what it typed is not handed to the viewer.
    expect(await page.getByRole('textbox', { name: 'Model', exact: true }).inputValue()).toBe('');
    await context.close();
  });
});
