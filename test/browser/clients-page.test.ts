import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type GatewayHarness } from '../support/gateway-harness.js';
import { UNNAMED_THINGS } from './support/accessible-names.js';
import { chromiumAvailable, signInWithToken } from './support/browser.js';
import { type OneRouteUi, startOneRouteUi } from './support/one-route-ui.js';

if (!chromiumAvailable) console.warn('SKIPPED test/browser/clients-page.test.ts: /usr/bin/chromium is not installed');

const FLOW = { timeout: 120_000 };
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 200 });

/** A token leaked during an incident: the operator rotates it from the Clients page with a grace period. */
describe.skipIf(!chromiumAvailable)('the Clients page in headless Chromium', () => {
  let ui: OneRouteUi;
  let harness: GatewayHarness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ui = await startOneRouteUi();
    ({ harness, browser, page } = ui);
  }, 60_000);
  afterAll(() => ui?.close());

  const ask = (token: string) =>
    harness.openai(token).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'x' }] });
  // Every native prompt/confirm/alert the page raises: the UI asks in the page, never with a browser dialog.
  const nativeDialogs: string[] = [];
  const dialog = (name: string) => page.getByRole('dialog', { name });
  /** Whether keyboard focus is inside the open dialog. */
  const focusInDialog = async () => (await page.locator('dialog[open] :focus').count()) === 1;

  it(
    "rotates a token in an in-page dialog: grace chosen, a bad one told inline, new token shown once with the old one's end",
    FLOW,
    async () => {
      page.on('dialog', (native) => {
        nativeDialogs.push(native.message());
        void native.dismiss();
      });
      const old = (await harness.admin('POST', '/keys', { name: 'leaky' })).body.token as string;
      await signInWithToken(page, harness.adminUrl, ADMIN_TOKEN);
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Clients' }).click();
      const row = page.locator('[data-client="leaky"]');
      await row.waitFor();
      const rotateButton = page.getByRole('button', { name: 'rotate leaky' });

      // Keyboard: focus moves into the dialog and stays there however often Tab is pressed; Escape closes it,
      // nothing is rotated, and focus is back on the Rotate button.
      await rotateButton.focus();
      await page.keyboard.press('Enter');
      await dialog('Rotate leaky').waitFor();
      expect(await focusInDialog()).toBe(true);
      for (let i = 0; i < 9; i++) {
        await page.keyboard.press('Tab');
        expect(await focusInDialog()).toBe(true);
      }
      await page.keyboard.press('Escape');
      await eventually(() => page.getByRole('dialog').count()).toBe(0);
      expect(await page.locator(':focus').getAttribute('aria-label')).toBe('rotate leaky');
      await expect(ask(old)).resolves.toBeDefined();

      // A custom grace the API cannot read is told inside the dialog, beside the field, and nothing is sent.
      await rotateButton.click();
      await dialog('Rotate leaky').getByLabel('Custom').check();
      await dialog('Rotate leaky')
        .getByLabel(/^Custom grace period/)
        .fill('soon');
      await dialog('Rotate leaky').getByRole('button', { name: 'Rotate token' }).click();
      await eventually(() => dialog('Rotate leaky').getByRole('alert').textContent()).toContain(
        'grace must be a duration',
      );
      expect(
        await dialog('Rotate leaky')
          .getByLabel(/^Custom grace period/)
          .getAttribute('aria-invalid'),
      ).toBe('true');
      await dialog('Rotate leaky')
        .getByLabel(/^Custom grace period/)
        .fill('45d');
      await dialog('Rotate leaky').getByRole('button', { name: 'Rotate token' }).click();
      await eventually(() => dialog('Rotate leaky').getByRole('alert').textContent()).toContain(
        'between 0 and 30 days',
      );
      await expect(ask(old)).resolves.toBeDefined();

      await dialog('Rotate leaky').getByLabel('24 hours').check();
      await dialog('Rotate leaky').getByRole('button', { name: 'Rotate token' }).click();
      const done = dialog('New token for leaky');
      const fresh = done.locator('[data-token]');
      await eventually(() => fresh.textContent()).toMatch(/^amg_/);
      const token = (await fresh.textContent()) as string;
      expect(token).not.toBe(old);
      const ends = (await done.locator('[data-old-token-ends]').textContent()) as string;
      expect(ends).toMatch(/^The old token works until \d\d [A-Z][a-z]{2} \d{4}, \d\d:\d\d:\d\d\.$/);
      const listed = (await harness.admin('GET', '/keys?search=leaky')).body.data[0].previousTokenValidUntil as string;
      expect(Date.parse(listed) - Date.now()).toBeGreaterThan(23 * 3_600_000);
      await done.getByRole('button', { name: 'Copy token' }).click();
      await eventually(() => done.getByRole('status').textContent()).toMatch(/Copied|copy it by hand/);
      // The result is announced on the page (aria-live), not only drawn.
      await eventually(() => page.locator('[data-announcement]').textContent()).toMatch(
        /^Rotated leaky: the old token works until /,
      );
      expect(await page.locator('[data-announcement]').getAttribute('aria-live')).toBe('polite');
      await expect(ask(token)).resolves.toBeDefined();
      await expect(ask(old)).resolves.toBeDefined();
      await done.getByRole('button', { name: 'Done, hide it' }).click();
      await eventually(() => page.getByRole('dialog').count()).toBe(0);
      await eventually(() => row.locator('[data-grace]').textContent()).toContain('old token until');
      expect(nativeDialogs).toEqual([]);
    },
  );

  it('revokes after an in-page confirmation that Escape cancels', FLOW, async () => {
    const token = (await harness.admin('POST', '/keys', { name: 'gone' })).body.token as string;
    await page.reload();
    const revokeButton = page.getByRole('button', { name: 'revoke gone' });
    await revokeButton.click();
    const confirm = dialog('Revoke gone');
    await eventually(() => confirm.textContent()).toContain('cannot be undone');
    // Focus starts on Cancel: an Enter pressed out of habit does not revoke.
    expect(await page.locator(':focus').textContent()).toBe('Cancel');
    await page.keyboard.press('Escape');
    await eventually(() => page.getByRole('dialog').count()).toBe(0);
    await expect(ask(token)).resolves.toBeDefined();
    await revokeButton.click();
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await eventually(() => page.locator('[data-client="gone"] .badge').textContent()).toBe('revoked');
    await eventually(() => page.locator('[data-announcement]').textContent()).toBe(
      'Revoked gone: applications using it are refused.',
    );
    await expect(ask(token)).rejects.toMatchObject({ status: 401 });
    expect(nativeDialogs).toEqual([]);
  });

  it('names every form control, captions every table and labels every dialog, on every page', FLOW, async () => {
    await page.getByRole('button', { name: 'New client key' }).click();
    await page.locator('form.key-editor').waitFor();
    await page.getByRole('button', { name: 'rotate leaky' }).click();
    await dialog('Rotate leaky').getByLabel('Custom').check();
    expect(await page.evaluate<string[]>(UNNAMED_THINGS)).toEqual([]);
    await page.keyboard.press('Escape');
    const nav = page.getByRole('navigation', { name: 'Pages' });
    for (const name of ['Overview', 'Traffic', 'Requests', 'Usage', 'Providers', 'Config', 'Audit', 'Diagnostics']) {
      await nav.getByRole('link', { name }).click();
      await page.locator('main h1', { hasText: name }).waitFor();
      // Each page has loaded when nothing says "Loading" any more.
      await eventually(() => page.locator('main').textContent()).not.toContain('Loading');
      expect({ name, unnamed: await page.evaluate<string[]>(UNNAMED_THINGS) }).toEqual({ name, unnamed: [] });
    }
  });

  it("shows each key's limits, budgets, models and tags, and the change after an update", FLOW, async () => {
    const created = await harness.admin('POST', '/keys', {
      name: 'limited',
      rpm: 60,
      budgets: { day: 5 },
      models: ['chat'],
      tags: { team: 'search' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await page.goto(`${harness.adminUrl}/admin#/clients`);
    const policy = page.locator('[data-client="limited"] [data-policy]');
    await eventually(() => policy.textContent()).toBe('60 rpm · $5.00/day · models: chat · tags: team=search');
    await harness.admin('PATCH', '/keys/limited', { rpm: null, tpm: 1000 });
    await page.reload();
    await eventually(() => policy.textContent()).toBe('1,000 tpm · $5.00/day · models: chat · tags: team=search');
    expect(await page.locator('[data-client="leaky"] [data-policy]').textContent()).toBe('no limits');
  });

  it('keeps the rotate dialog inside a 390 px screen for a 128-character name and its token', FLOW, async () => {
    const name = `very-long-client-name-${'x'.repeat(106)}`;
    expect((await harness.admin('POST', '/keys', { name })).status).toBe(201);
    const narrow = await (await browser.newContext({ viewport: { width: 390, height: 800 } })).newPage();
    await signInWithToken(narrow, harness.adminUrl, ADMIN_TOKEN);
    await narrow.goto(`${harness.adminUrl}/admin#/clients?x=1`);
    await narrow.getByLabel('Search name, prefix or id').fill('very-long');
    await narrow.getByRole('button', { name: `rotate ${name}` }).click();
    const box = narrow.getByRole('dialog', { name: `Rotate ${name}` });
    const fits = (dialog: typeof box) =>
      dialog.evaluate((el) => {
        const rect = el.getBoundingClientRect();
        return { left: rect.left >= 0, right: rect.right <= 390, scroll: el.scrollWidth <= el.clientWidth };
      });
    expect(await fits(box)).toEqual({ left: true, right: true, scroll: true });
    await box.getByRole('button', { name: 'Rotate token' }).click();
    const done = narrow.getByRole('dialog', { name: `New token for ${name}` });
    await done.locator('[data-token]').waitFor();
    expect(await fits(done)).toEqual({ left: true, right: true, scroll: true });
    await narrow.context().close();
  });

  it('sends an operator whose session ended mid-work back to sign-in with the reason', FLOW, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const other = await context.newPage();
    await signInWithToken(other, harness.adminUrl, ADMIN_TOKEN);
    await other.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Clients' }).click();
    await other.locator('[data-client="leaky"]').waitFor();
    const sessions = (await harness.admin('GET', '/sessions')).body.data as Array<{ id: string; createdAt: string }>;
    const newest = [...sessions].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0] as { id: string };
    expect((await harness.admin('DELETE', `/sessions/${newest.id}`)).status).toBeLessThan(300);
    // The next request of the page (a new filter here, not waiting for the auto-refresh) meets a 401.
    await other.getByLabel('Status').selectOption('revoked');
    await eventually(() => other.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await other.getByRole('alert').textContent()).toBe(
      'Your session ended (it expired or was revoked). Sign in again to go on.',
    );
    // Signing in again clears the reason; signing out later shows none.
    await other.getByRole('tab', { name: 'Admin token' }).click();
    await other.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.getByRole('button', { name: 'Sign out' }).click();
    await other.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await other.getByRole('alert').count()).toBe(0);
    await context.close();
  });
});
