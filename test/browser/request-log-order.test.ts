import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/telemetry/request-record.js';
import { usd } from '../../src/ui/format.js';
import type { GatewayHarness } from '../support/gateway-harness.js';
import { requestRecord } from '../support/request-records.js';
import { chromiumAvailable } from './support/browser.js';
import { type OneRouteUi, startOneRouteUiOn } from './support/one-route-ui.js';

if (!chromiumAvailable)
  console.warn('SKIPPED test/browser/request-log-order.test.ts: /usr/bin/chromium is not installed');

const FLOW = { timeout: 120_000 };
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 200 });

/** A logged request of the last hour; latency, cost and tokens spread so each order differs from time's. */
function logged(n: number): RequestRecord {
  return requestRecord({
    id: `req_${String(n).padStart(7, '0')}`,
    time: Date.now() - 3_600_000 + n * 10,
    client: 'oncall',
    stream: n % 3 === 0,
    provider: 'primary',
    attempts: [{ provider: 'primary', model: 'm', status: 200, latencyMs: 10 }],
    status: n % 10 === 0 ? 502 : 200,
    latencyMs: 100 + ((n * 37) % 997),
    ttfbMs: 50,
    inputTokens: (n * 53) % 1_000,
    outputTokens: 10,
    costUsd: n % 10 === 0 ? null : ((n * 71) % 113) / 1000,
  });
}
const LOG = Array.from({ length: 120 }, (_, i) => logged(i + 1));

/** The request log an operator pages and sorts during an incident: where am I in it, and what was worst. */
describe.skipIf(!chromiumAvailable)('the request log paged and sorted in headless Chromium', () => {
  let ui: OneRouteUi;
  let harness: GatewayHarness;
  let page: Page;

  beforeAll(async () => {
    ui = await startOneRouteUiOn('Requests', LOG);
    ({ harness, page } = ui);
  }, 60_000);
  afterAll(() => ui?.close());

  const pager = () => page.getByRole('navigation', { name: 'Request pages' });
  const rows = () => page.locator('table.requests tbody tr');
  /** A column's cells on the page shown, as text. */
  const column = (index: number) => rows().evaluateAll((trs, i) => trs.map((tr) => tr.children[i]?.textContent), index);
  const latencies = async () => (await column(6)).map((text) => Number(text?.replace(/[^\d]/g, '')));

  it('says where a page is in the filtered set: 1–50 of 120, then 51–100, then 101–120', FLOW, async () => {
    await eventually(() => pager().textContent()).toContain('1–50 of 120');
    await pager().getByRole('button', { name: 'Next' }).click();
    await eventually(() => pager().textContent()).toContain('51–100 of 120');
    await pager().getByRole('button', { name: 'Next' }).click();
    await eventually(() => pager().textContent()).toContain('101–120 of 120');
    expect(await pager().getByRole('button', { name: 'Next' }).getAttribute('aria-disabled')).toBe('true');
    await pager().getByRole('button', { name: 'Previous' }).click();
    await eventually(() => pager().textContent()).toContain('51–100 of 120');
    await pager().getByRole('button', { name: 'Next' }).click();
    await eventually(() => pager().textContent()).toContain('101–120 of 120');
    await pager().getByRole('button', { name: 'First' }).click();
    await eventually(() => pager().textContent()).toContain('1–50 of 120');
    // A filter counts its own set.
    await page.getByLabel('Status').selectOption('5xx');
    await eventually(() => pager().textContent()).toContain('1–12 of 12');
    await page.getByLabel('Status').selectOption('');
    await eventually(() => pager().textContent()).toContain('1–50 of 120');
  });

  it('sorts by latency, slowest first, then fastest first, across pages, by keyboard', FLOW, async () => {
    const sorted = LOG.map((r) => r.latencyMs).sort((a, b) => a - b);
    const heading = page.getByRole('columnheader', { name: 'Latency' });
    await heading.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await eventually(() => heading.getAttribute('aria-sort')).toBe('descending');
    await eventually(latencies).toEqual(sorted.slice(-50).reverse());
    await page.keyboard.press('Enter');
    await eventually(() => heading.getAttribute('aria-sort')).toBe('ascending');
    await eventually(latencies).toEqual(sorted.slice(0, 50));
    // Focus stays on the button pressed through the page it loads, as it stayed on the heading.
    await pager().getByRole('button', { name: 'Next' }).focus();
    await page.keyboard.press('Enter');
    await eventually(() => pager().textContent()).toContain('51–100 of 120');
    await eventually(latencies).toEqual(sorted.slice(50, 100));
    const next = pager().getByRole('button', { name: 'Next' });
    expect(await next.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
  });

  it('sorts by cost and by tokens, the largest first', FLOW, async () => {
    await page.getByRole('columnheader', { name: 'Cost' }).getByRole('button').click();
    const dearest = Math.max(...LOG.map((r) => r.costUsd ?? 0));
    await eventually(async () => (await column(9))[0]).toBe(usd(dearest));
    await eventually(() => pager().textContent()).toContain('1–50 of 120');
    // "in / out" as the Overview writes it, not "1000/10", which reads as a date.
    await page.getByRole('columnheader', { name: 'Tokens in / out' }).getByRole('button').click();
    const largest = [...LOG].sort((a, b) => (b.inputTokens ?? 0) - (a.inputTokens ?? 0))[0];
    await eventually(async () => (await column(8))[0]).toBe(`${largest?.inputTokens} / 10`);
  });

  it('says "more than 10,000" past the count it stops at, instead of counting a huge log', FLOW, async () => {
    await harness.gateway.store.insertRequests(Array.from({ length: 10_000 }, (_, i) => logged(1_000 + i)));
    await page.getByRole('columnheader', { name: 'Time' }).getByRole('button').click();
    await eventually(() => pager().textContent()).toContain('1–50 of more than 10,000');
  });

  it('tells a fallback on the Overview in a sentence: "in 1 attempt", "in 2 attempts"', FLOW, async () => {
    const fallback = (n: number, attempts: number): RequestRecord => ({
      ...logged(n),
      routeMode: 'fallback',
      attempts: Array.from({ length: attempts }, (_, i) => ({
        provider: 'primary',
        model: 'm',
        status: i < attempts - 1 ? 500 : 200,
        latencyMs: 10,
      })),
      time: Date.now() - 60_000,
    });
    await harness.gateway.store.insertRequests([fallback(20_001, 1), fallback(20_002, 2)]);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Overview' }).click();
    const incidents = page.locator('li', { hasText: 'fallback' });
    await eventually(() => incidents.allTextContents()).toEqual([
      expect.stringContaining('served by primary in 2 attempts'),
      expect.stringContaining('served by primary in 1 attempt details'),
    ]);
  });
});
