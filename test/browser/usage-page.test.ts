import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { runCli } from '../support/cli-process.js';
import { ADMIN_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { chromiumAvailable, collectProblems, launchDesktop, screenshot, signInWithToken } from './support/browser.js';

if (!chromiumAvailable) console.warn('SKIPPED test/browser/usage-page.test.ts: /usr/bin/chromium is not installed');

const FLOW = { timeout: 120_000 };
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 200 });

describe.skipIf(!chromiumAvailable)('the Usage page in headless Chromium', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    // gpt-4o-mini at the shipped price: $0.15 input, $0.075 cached, $0.60 output per million.
    upstream.setDefault({ kind: 'reply', usage: { prompt: 100_000, completion: 10_000, cached: 40_000 } });
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('oa', upstream.baseUrl), fakeProvider('local', upstream.baseUrl)],
        models: [
          { name: 'mini', targets: [{ provider: 'oa', model: 'gpt-4o-mini' }] },
          { name: 'house', targets: [{ provider: 'local', model: 'house-model' }] },
          { name: 'small', targets: [{ provider: 'oa', model: 'gpt-4o-mini' }] },
        ],
      },
    });
    ({ browser, page } = await launchDesktop());
    problems = collectProblems(page);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await upstream?.close();
  });

  it('shows usage and cost per group for the period, and the prices with unpriced models flagged', FLOW, async () => {
    const client = harness.openai();
    for (const model of ['mini', 'mini', 'house']) {
      await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
    }
    await harness.gateway.telemetry.flush();
    const perRequest = (60_000 * 0.15 + 40_000 * 0.075 + 10_000 * 0.6) / 1e6;

    await signInWithToken(page, harness.adminUrl, ADMIN_TOKEN);
    await page.getByRole('link', { name: 'Usage' }).click();
    const usage = page.getByRole('table', { name: 'usage' });
    await eventually(() => usage.locator('tbody tr').count()).toBe(1);
    expect(await usage.locator('tbody tr').first().textContent()).toContain('test-client');

    await page.getByLabel('Group by').selectOption('model');
    await eventually(() => usage.locator('tbody tr').count()).toBe(2);
    const mini = usage.locator('tbody tr', { hasText: 'mini' });
    expect(await mini.locator('[data-cost]').textContent()).toBe(`$${(2 * perRequest).toFixed(4)}`);
    expect(await usage.locator('tfoot [data-cost]').textContent()).toBe(`$${(2 * perRequest).toFixed(4)}`);
    const house = usage.locator('tbody tr', { hasText: 'house' });
    expect((await house.locator('td').last().textContent())?.trim()).toBe('1');

    await page.getByLabel('Period').selectOption('24h');
    await eventually(() => usage.locator('tbody tr').count()).toBe(2);

    const prices = page.getByRole('table', { name: 'prices' });
    await eventually(() => prices.locator('tbody tr').count()).toBe(2);
    expect(await prices.locator('tbody tr', { hasText: 'oa/gpt-4o-mini' }).textContent()).toContain(
      'table: gpt-4o-mini',
    );
    expect(await prices.locator('tbody tr', { hasText: 'local/house-model' }).textContent()).toContain('no price');

    // A short request to a small model costs millionths of a dollar: shown with the CLI's digits, not as $0.0000.
    upstream.enqueue({ kind: 'reply', usage: { prompt: 24, completion: 12 } });
    await client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'hi' }] });
    await harness.gateway.telemetry.flush();
    await page.getByLabel('Period').selectOption('7d');
    await eventually(() => usage.locator('tbody tr').count()).toBe(3);
    const small = usage.locator('tbody tr', { hasText: 'small' });
    expect(await small.locator('[data-cost]').textContent()).toBe('$0.000011');
    const cli = await runCli(['usage', '--by', 'model', '--url', harness.adminUrl], {
      cwd: harness.dir,
      env: { AMG_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    const cliSmall = cli.stdout.split('\n').find((line) => line.startsWith('small '));
    expect(cliSmall?.split(/\s+/)[7]).toBe('0.000011');
    await screenshot(page, 'usage');
    // The session check before signing in answers 401; nothing else may fail.
    expect(problems.filter((p) => !p.includes('status of 401'))).toEqual([]);
  });
});
