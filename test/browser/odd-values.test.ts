import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { ADMIN_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { chromiumAvailable, launchDesktop, screenshot, signInWithToken } from './support/browser.js';

if (!chromiumAvailable) console.warn('SKIPPED test/browser/odd-values.test.ts: /usr/bin/chromium is not installed');

const FLOW = { timeout: 120_000 };
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 200 });
/** The longest names the config takes (128 characters), with no space to wrap at. */
const LONG_PROVIDER = `p${'r'.repeat(126)}x`;
const LONG_MODEL = `m${'o'.repeat(126)}l`;

/** How far a page or a table's box reaches past its width: 0 when nothing has to be scrolled sideways. */
const overflow = (page: Page, selector: string) =>
  page.evaluate(
    `Math.max(0, ...[...document.querySelectorAll(${JSON.stringify(selector)})].map((el) => el.scrollWidth - el.clientWidth))`,
  ) as Promise<number>;

/**
 * The UI with the figures a busy gateway reaches and the longest names its config takes: real traffic through the
 * gateway, the fake upstream reporting billions of tokens, a price that makes that six figures of dollars.
 */
describe.skipIf(!chromiumAvailable)('Admin UI with huge figures and the longest names', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  let browser: Browser;
  let desk: Page;
  let phone: Page;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [{ ...fakeProvider(LONG_PROVIDER, upstream.baseUrl), pricing: { m: { input: 60, output: 3.5 } } }],
        models: [{ name: LONG_MODEL, targets: [{ provider: LONG_PROVIDER, model: 'm' }] }],
      },
    });
    upstream.respondWith(() => ({ kind: 'reply', usage: { prompt: 2_000_000_000, completion: 1_234_567_890 } }));
    const client = harness.openai();
    for (let i = 0; i < 3; i++) {
      await client.chat.completions.create({ model: LONG_MODEL, messages: [{ role: 'user', content: 'hi' }] });
    }
    await harness.records(3, 10_000);
    ({ browser, page: desk } = await launchDesktop());
    phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await signInWithToken(desk, harness.adminUrl, ADMIN_TOKEN);
    await signInWithToken(phone, harness.adminUrl, ADMIN_TOKEN);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await upstream?.close();
  });

  it(
    'a 128-character name wraps: no page scrolls sideways on a phone, no figure leaves a desk table',
    FLOW,
    async () => {
      const wide: string[] = [];
      for (const path of ['overview', 'providers', 'usage', 'requests']) {
        await phone.goto(`${harness.adminUrl}/admin#/${path}`);
        await phone.locator('main table, main .tiles').first().waitFor();
        const width = (await phone.evaluate('document.documentElement.scrollWidth')) as number;
        if (width > 390) wide.push(`${path} at 390 px: ${width} px`);
        await screenshot(phone, `long-names-phone-${path}`);
      }
      for (const path of ['usage', 'requests', 'providers']) {
        await desk.goto(`${harness.adminUrl}/admin#/${path}`);
        await desk.locator('main table').first().waitFor();
        const past = await overflow(desk, 'main .table-scroll');
        if (past > 0) wide.push(`${path} at 1280 px: a table ${past} px wider than its box`);
        await screenshot(desk, `long-names-desk-${path}`);
      }
      expect(wide).toEqual([]);
    },
  );

  it('costs and token counts in the billions read in full, grouped, on the tiles and in the tables', FLOW, async () => {
    await desk.goto(`${harness.adminUrl}/admin#/overview`);
    const tile = desk.locator('[data-window="1h"] dl');
    await tile.waitFor();
    const cost = (await tile.locator('dt:text-is("Cost") + dd').textContent()) ?? '';
    // 3 × (2e9 × $60 + 1,234,567,890 × $3.5) per million tokens.
    expect(cost).toBe('$372,962.96');
    expect(await tile.locator('dt:text-is("Tokens in / out") + dd').textContent()).toBe(
      '6,000,000,000 / 3,703,703,670',
    );
    await desk.goto(`${harness.adminUrl}/admin#/usage`);
    const total = desk.getByRole('table', { name: 'usage' }).locator('tfoot [data-cost]');
    await eventually(() => total.textContent()).toBe('$372,962.96');
  });

  it("a chart's value axis shows billions whole, not cut off at the chart's left edge", FLOW, async () => {
    await desk.goto(`${harness.adminUrl}/admin#/traffic`);
    const cut: string[] = [];
    for (const title of ['Tokens', 'Cost (USD)']) {
      const canvas = desk
        .locator('figure.chart', { has: desk.locator(`figcaption:text-is("${title}")`) })
        .locator('canvas');
      await canvas.waitFor();
      // The axis labels are drawn right-aligned against the plot; one too long for the axis starts before x = 0,
      // so its first pixel columns are inked.
      const inked = await canvas.evaluate((el) => {
        const c = el as unknown as {
          height: number;
          getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: number[] } };
        };
        const pixels = c.getContext('2d').getImageData(0, 0, 3, c.height).data;
        let count = 0;
        for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 100) count++;
        return count;
      });
      if (inked > 0) cut.push(`${title}: ${inked} inked pixels at the left edge`);
    }
    await screenshot(desk, 'huge-figures-traffic');
    expect(cut).toEqual([]);
  });
});
