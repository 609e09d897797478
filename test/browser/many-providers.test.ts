import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { ADMIN_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { chromiumAvailable, launchDesktop, screenshot, signInWithToken } from './support/browser.js';

if (!chromiumAvailable) console.warn('SKIPPED test/browser/many-providers.test.ts: /usr/bin/chromium is not installed');

const FLOW = { timeout: 120_000 };
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 200 });
const NAMES = Array.from({ length: 100 }, (_, i) => `provider-${String(i).padStart(3, '0')}`);

/** A gateway in front of a hundred providers, one model each: the Providers page is 13,000 px of sections. */
describe.skipIf(!chromiumAvailable)('the Providers page with 100 providers', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: NAMES.map((name) => fakeProvider(name, upstream.baseUrl)),
        models: NAMES.map((name) => ({ name: `chat-${name.slice(-3)}`, targets: [{ provider: name, model: 'm' }] })),
      },
    });
    ({ browser, page } = await launchDesktop());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await upstream?.close();
  });

  it('finds a provider by its name or by a model it serves, and says when nothing matches', FLOW, async () => {
    await signInWithToken(page, harness.adminUrl, ADMIN_TOKEN);
    await page.goto(`${harness.adminUrl}/admin#/providers`);
    const sections = page.locator('main section.provider');
    await eventually(() => sections.count()).toBe(100);
    const find = page.getByLabel('Find provider or model');
    const count = page.getByRole('form', { name: 'Find a provider' }).getByRole('status');
    expect(await count.textContent()).toBe('100 providers');
    await find.fill('provider-042');
    await eventually(() => sections.count()).toBe(1);
    expect(await sections.locator('h2').textContent()).toContain('provider-042');
    expect(await count.textContent()).toBe('1 of 100 providers');
    // By the model a client asks for: chat-07x are served by provider-070 … 079.
    await find.fill('CHAT-07');
    await eventually(() => sections.count()).toBe(10);
    await find.fill('no-such-thing');
    await eventually(() => sections.count()).toBe(0);
    expect(await page.locator('main p.state.empty').textContent()).toBe(
      'No provider, type or model matches "no-such-thing".',
    );
    await screenshot(page, 'providers-find');
    // The page's own refresh (every 5 s) keeps what was typed.
    await find.fill('provider-099');
    await page.waitForResponse('**/admin/api/providers');
    expect(await find.inputValue()).toBe('provider-099');
    expect(await sections.count()).toBe(1);
  });
});
