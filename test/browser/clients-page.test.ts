import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { ADMIN_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { chromiumAvailable, launchChromium, signInWithToken } from './support/browser.js';

if (!chromiumAvailable) console.warn('SKIPPED test/browser/clients-page.test.ts: /usr/bin/chromium is not installed');

const FLOW = { timeout: 120_000 };
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 200 });

/** A token leaked during an incident: the operator rotates it from the Clients page with a grace period. */
describe.skipIf(!chromiumAvailable)('the Clients page in headless Chromium', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', upstream.baseUrl)],
        models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'm' }] }],
      },
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await upstream?.close();
  });

  const ask = (token: string) =>
    harness.openai(token).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'x' }] });
  const answer = (reply: string) => page.once('dialog', (dialog) => void dialog.accept(reply));

  it(
    'rotates a token with a grace period: new token shown once, the old one still works until then',
    FLOW,
    async () => {
      const old = (await harness.admin('POST', '/keys', { name: 'leaky' })).body.token as string;
      await signInWithToken(page, harness.adminUrl, ADMIN_TOKEN);
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Clients' }).click();
      const row = page.locator('[data-client="leaky"]');
      await row.waitFor();

      // A grace the API cannot read is told, not swallowed.
      answer('soon');
      await page.getByRole('button', { name: 'rotate leaky' }).click();
      await eventually(() => page.getByRole('alert').textContent()).toContain('grace must be a duration');

      answer('1h');
      await page.getByRole('button', { name: 'rotate leaky' }).click();
      const fresh = page.getByRole('region', { name: 'New token' }).locator('[data-token]');
      await eventually(() => fresh.textContent()).toMatch(/^amg_/);
      const token = (await fresh.textContent()) as string;
      expect(token).not.toBe(old);
      await expect(ask(token)).resolves.toBeDefined();
      await expect(ask(old)).resolves.toBeDefined();
      await eventually(() => row.locator('[data-grace]').textContent()).toContain('old token until');
      expect(await page.getByRole('alert').count()).toBe(0);
    },
  );

  it("shows each key's limits, budgets, models and tags, and the change after an update", FLOW, async () => {
    const created = await harness.admin('POST', '/keys', {
      name: 'limited',
      rpm: 60,
      budgets: { day: 5 },
      models: ['chat'],
      tags: { team: 'search' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await page.reload();
    const policy = page.locator('[data-client="limited"] [data-policy]');
    await eventually(() => policy.textContent()).toBe('60 rpm · $5.00/day · models: chat · tags: team=search');
    await harness.admin('PATCH', '/keys/limited', { rpm: null, tpm: 1000 });
    await page.reload();
    await eventually(() => policy.textContent()).toBe('1,000 tpm · $5.00/day · models: chat · tags: team=search');
    expect(await page.locator('[data-client="leaky"] [data-policy]').textContent()).toBe('no limits');
  });
});
