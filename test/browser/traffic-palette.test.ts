import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/telemetry/request-record.js';
import type { GatewayHarness } from '../support/gateway-harness.js';
import { requestRecord } from '../support/request-records.js';
import { chromiumAvailable, screenshot } from './support/browser.js';
import { type OneRouteUi, startOneRouteUiOn } from './support/one-route-ui.js';

if (!chromiumAvailable)
  console.warn('SKIPPED test/browser/traffic-palette.test.ts: /usr/bin/chromium is not installed');

const FLOW = { timeout: 120_000 };
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 200 });

/** Fourteen models, model-01 the busiest (28 requests) down to model-14 (2): more than the palette's nine colours. */
const MODELS = Array.from({ length: 14 }, (_, i) => `model-${String(i + 1).padStart(2, '0')}`);
function traffic(): RequestRecord[] {
  const records: RequestRecord[] = [];
  MODELS.forEach((model, m) => {
    for (let k = 0; k < 2 * (14 - m); k++) {
      records.push(
        requestRecord({
          id: `req_${model}_${String(k).padStart(3, '0')}`,
          time: Date.now() - 20 * 60_000 + k * 1000,
          requestedModel: model,
          provider: 'primary',
          latencyMs: 100 + m * 10,
          ttfbMs: 50,
          inputTokens: 100,
          outputTokens: 10,
          costUsd: 0.01,
        }),
      );
    }
  });
  return records;
}

/** A chart's legend as drawn: each series' label, colour and whether its line is dashed. */
const legend = (page: Page, title: string) =>
  page
    .getByRole('table', { name: `${title} legend` })
    .locator('tr.u-series')
    .evaluateAll((rows) =>
      rows.slice(1).map((row) => {
        const marker = row.querySelector('.u-marker');
        const style = marker ? row.ownerDocument.defaultView?.getComputedStyle(marker) : undefined;
        return {
          label: row.querySelector('.u-label')?.textContent ?? '',
          color: style?.borderLeftColor ?? '',
          dashed: style?.borderLeftStyle === 'dashed',
        };
      }),
    );

/** Traffic grouped by model when there are more models than colours: no two lines look alike, the rest is "other". */
describe.skipIf(!chromiumAvailable)('Traffic charts with more groups than colours', () => {
  let ui: OneRouteUi;
  let harness: GatewayHarness;
  let page: Page;

  beforeAll(async () => {
    ui = await startOneRouteUiOn('Traffic', traffic());
    ({ harness, page } = ui);
    await page.getByLabel('Group by').selectOption('model');
  }, 60_000);
  afterAll(() => ui?.close());

  it('draws the eight busiest models and "other" in nine different colours', FLOW, async () => {
    await eventually(async () => (await legend(page, 'Requests')).length).toBe(9);
    const requests = await legend(page, 'Requests');
    expect(requests.map((s) => s.label)).toEqual([...MODELS.slice(0, 8), 'other (6 models)']);
    expect(new Set(requests.map((s) => s.color)).size).toBe(9);
    await screenshot(page, 'traffic-many-models');
  });

  it('says which models "other" sums, with their requests', FLOW, async () => {
    const note = page.locator('p.folded');
    await eventually(() => note.textContent()).toContain('sums the 6 least busy models');
    expect(await note.textContent()).toContain('model-09 (12 requests), model-10 (10), model-11 (8)');
    expect(await note.textContent()).toContain('model-14 (2).');
  });

  it('keeps a model in its colour on the tokens chart, output dashed beside input', FLOW, async () => {
    const tokens = await legend(page, 'Tokens');
    expect(tokens).toHaveLength(18);
    const distinct = new Set(tokens.map((s) => `${s.color}/${s.dashed}`));
    expect(distinct.size).toBe(18);
    const input = tokens.find((s) => s.label === 'model-03 in');
    const output = tokens.find((s) => s.label === 'model-03 out');
    expect(output?.color).toBe(input?.color);
    expect([input?.dashed, output?.dashed]).toEqual([false, true]);
  });

  it('sums "other" from the folded models in the API, exactly', FLOW, async () => {
    const { body } = await harness.admin('GET', '/traffic?range=1h&group=model&top=9');
    const other = body.series.find((s: { group: string }) => s.group === 'other');
    const sum = (s: { points: Array<{ requests: number }> }) => s.points.reduce((n, p) => n + p.requests, 0);
    expect(sum(other)).toBe(2 * (6 + 5 + 4 + 3 + 2 + 1));
    expect(body.folded.map((f: { group: string }) => f.group)).toEqual(MODELS.slice(8));
  });

  it('writes the time axis and the cursor time as every page does: 24-hour clock, month spelled', FLOW, async () => {
    // The axes are drawn on a canvas: the page records what it writes there.
    await page.addInitScript({
      content: `window.__drawn = []; const fill = CanvasRenderingContext2D.prototype.fillText;
        CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
          window.__drawn.push(String(text)); return fill.call(this, text, ...rest); };`,
    });
    await page.reload();
    const chart = page.getByRole('img', { name: 'Requests chart' });
    await chart.locator('canvas').waitFor();
    const drawn = (await page.evaluate('window.__drawn')) as string[];
    expect(drawn.filter((t) => /\d\/\d|am$|pm$/.test(t))).toEqual([]);
    expect(drawn.some((t) => /^\d\d:\d\d$/.test(t))).toBe(true);
    expect(drawn.some((t) => /^\d\d [A-Z][a-z]{2}$/.test(t))).toBe(true);
    const over = chart.locator('.u-over');
    const box = await over.boundingBox();
    await page.mouse.move((box?.x ?? 0) + (box?.width ?? 0) / 2, (box?.y ?? 0) + 10);
    const cursorTime = page
      .getByRole('table', { name: 'Requests legend' })
      .locator('tr.u-series')
      .first()
      .locator('.u-value');
    await eventually(() => cursorTime.textContent()).toMatch(/^\d\d [A-Z][a-z]{2} \d{4}, \d\d:\d\d:\d\d$/);
  });
});
