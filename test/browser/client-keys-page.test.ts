import type OpenAI from 'openai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { ADMIN_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { chromiumAvailable, collectProblems, launchChromium, screenshot, signInWithToken } from './support/browser.js';

if (!chromiumAvailable)
  console.warn('SKIPPED test/browser/client-keys-page.test.ts: /usr/bin/chromium is not installed');

const FLOW = { timeout: 180_000 };
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 200 });

/** What a request with this token gets: its status and the key's request limit as the gateway reports it. */
async function attempt(client: OpenAI): Promise<{ status: number; limit: string | null }> {
  try {
    const { response } = await client.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'x' }] })
      .withResponse();
    return { status: response.status, limit: response.headers.get('x-ratelimit-limit-requests') };
  } catch (error) {
    const failure = error as { status?: number; headers?: Headers };
    return { status: failure.status ?? 0, limit: failure.headers?.get('x-ratelimit-limit-requests') ?? null };
  }
}

/** An operator creates, edits, finds and revokes client keys from the Clients page, without the CLI. */
describe.skipIf(!chromiumAvailable)('creating and editing client keys in the Admin UI (headless Chromium)', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', upstream.baseUrl)],
        models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'm' }] }],
      },
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: harness.adminUrl });
    page = await context.newPage();
    problems = collectProblems(page);
    await signInWithToken(page, harness.adminUrl, ADMIN_TOKEN);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Clients' }).click();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await upstream?.close();
  });

  const form = () => page.locator('form.key-editor');
  const fieldError = (label: string) => form().locator('label', { hasText: label }).locator('.field-error');

  it(
    'creates a key with its policy, shows the token once with a copy button, and the SDK can use it',
    FLOW,
    async () => {
      await page.getByRole('button', { name: 'New client key' }).click();
      // A name the API refuses is told beside the name field, and nothing is created.
      await form().getByLabel('New client name').fill('bad name');
      await form().getByLabel('Requests per minute').fill('100');
      await page.getByRole('button', { name: 'Create token' }).click();
      await eventually(() => fieldError('New client name').textContent()).toContain('name must be 1-128 characters');
      expect(await page.locator('[data-token]').count()).toBe(0);

      await form().getByLabel('New client name').fill('ui-app');
      await form().getByLabel('Allowed model patterns').fill('chat, gpt-4o*');
      await form().getByLabel('Expires in days').fill('30');
      await form().getByLabel('Tokens per minute').fill('50000');
      await form().getByLabel('Max concurrent').fill('4');
      await form().getByLabel('Per day').fill('5');
      await form().getByLabel('Per month').fill('100');
      await form().getByLabel('In total').fill('1000');
      await page.getByRole('button', { name: 'Add a model limit' }).click();
      const limitRow = form().locator('[data-model-limit="0"]');
      await limitRow.getByLabel('Model pattern').fill('gpt-4o*');
      await limitRow.getByLabel('rpm', { exact: true }).fill('10');
      await form().getByLabel('Tags').fill('team=search, env=prod');
      await page.getByRole('button', { name: 'Create token' }).click();

      const region = page.getByRole('region', { name: 'New token' });
      const token = (await region.locator('[data-token]').textContent()) as string;
      expect(token).toMatch(/^amg_[0-9a-f]{10}_/);
      expect(await region.textContent()).toContain('shown only once');
      await region.getByRole('button', { name: 'Copy token' }).click();
      await eventually(() => region.getByRole('status').textContent()).toBe('Copied to the clipboard.');
      expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token);

      const policy = page.locator('[data-client="ui-app"] [data-policy]');
      await eventually(() => policy.textContent()).toBe(
        '100 rpm · 50,000 tpm · 4 in flight · $5.00/day · $100.00/month · $1,000.00/total · models: chat, gpt-4o* · limits for gpt-4o* · tags: team=search, env=prod',
      );
      const listed = (await harness.admin('GET', '/keys?search=ui-app')).body.data[0];
      expect(listed.policy.model_limits).toEqual({ 'gpt-4o*': { rpm: 10 } });
      expect(Date.parse(listed.expiresAt) - Date.parse(listed.createdAt)).toBe(30 * 86_400_000);

      expect(await attempt(harness.openai(token))).toEqual({ status: 200, limit: '100' });
      await screenshot(page, 'clients-created');
      await page.getByRole('button', { name: 'Done, hide it' }).click();
      await page.reload();
      await page.locator('[data-client="ui-app"]').waitFor();
      expect(await page.content()).not.toContain(token);

      // The audit log has the creation with its policy, under the signed-in admin.
      const audit = await harness.admin('GET', '/audit?action=keys.create');
      const entry = audit.body.data.find((e: { target: string }) => e.target === 'ui-app');
      expect(entry).toMatchObject({ outcome: 'ok', detail: { policy: { rpm: 100 } } });
      expect(JSON.stringify(audit.body)).not.toContain(token.slice(15));
    },
  );

  it('edits the policy inline: errors beside their field, then a new RPM the SDK meets as a 429', FLOW, async () => {
    const token = (await harness.admin('POST', '/keys', { name: 'edit-me', rpm: 100 })).body.token as string;
    const client = harness.openai(token);
    expect(await attempt(client)).toEqual({ status: 200, limit: '100' });
    await page.reload();
    await page.getByRole('button', { name: 'edit edit-me' }).click();
    expect(await form().getByLabel('Requests per minute').inputValue()).toBe('100');

    await form().getByLabel('Requests per minute').fill('-3');
    await form().getByLabel('Per day').fill('0');
    await page.getByRole('button', { name: 'Save policy' }).click();
    // Every field at fault, each beside its field, in the words `amg keys update` prints.
    await eventually(() => fieldError('Requests per minute').textContent()).toMatch(/^invalid key policy: rpm: /);
    expect(await fieldError('Per day').textContent()).toContain(
      'invalid key policy: budgets.day: at least 0.000001 USD',
    );
    expect(await form().getByLabel('Requests per minute').getAttribute('aria-invalid')).toBe('true');
    await form().getByLabel('Requests per minute').fill('2');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await eventually(() => fieldError('Requests per minute').count()).toBe(0);
    expect(await fieldError('Per day').textContent()).toContain('budgets.day');
    await form().getByLabel('Per day').fill('');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await form().waitFor({ state: 'detached' });
    await eventually(() => page.locator('[data-client="edit-me"] [data-policy]').textContent()).toBe('2 rpm');

    // Same token, new limit: the first request says 2, and within the minute a 429 comes at that limit.
    const seen = [await attempt(client), await attempt(client), await attempt(client)];
    expect(seen[0]).toEqual({ status: 200, limit: '2' });
    expect(seen.at(-1)).toEqual({ status: 429, limit: '2' });
    const update = (await harness.admin('GET', '/audit?action=keys.update')).body.data[0];
    expect(update).toMatchObject({
      target: expect.stringMatching(/^key_/),
      outcome: 'ok',
      detail: { change: { rpm: 2 } },
    });

    // Clearing a field removes that limit (sent as null in the merge patch), not keeps it.
    await page.getByRole('button', { name: 'edit edit-me' }).click();
    await form().getByLabel('Requests per minute').fill('');
    await form().getByLabel('Tags').fill('team=ads');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await eventually(() => page.locator('[data-client="edit-me"] [data-policy]').textContent()).toBe('tags: team=ads');
    expect(await attempt(client)).toMatchObject({ status: 200 });
  });

  it('revokes only after confirmation', FLOW, async () => {
    const token = (await harness.admin('POST', '/keys', { name: 'to-revoke' })).body.token as string;
    await page.reload();
    const confirm = page.getByRole('dialog', { name: 'Revoke to-revoke' });
    await page.getByRole('button', { name: 'revoke to-revoke' }).click();
    expect(await confirm.textContent()).toContain('Revoke "to-revoke"');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await attempt(harness.openai(token))).toMatchObject({ status: 200 });
    expect(await page.locator('[data-client="to-revoke"] .badge').textContent()).toBe('active');
    await page.getByRole('button', { name: 'revoke to-revoke' }).click();
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await eventually(() => page.locator('[data-client="to-revoke"] .badge').textContent()).toBe('revoked');
    expect(await attempt(harness.openai(token))).toMatchObject({ status: 401 });
  });

  it('pages through 120 more keys 50 at a time and finds them by name, prefix and tag', FLOW, async () => {
    const prefixes = new Map<string, string>();
    for (let i = 0; i < 120; i += 12) {
      await Promise.all(
        Array.from({ length: 12 }, async (_, j) => {
          const name = `pg-${String(i + j).padStart(3, '0')}`;
          const created = await harness.admin('POST', '/keys', { name, tags: { shard: String((i + j) % 4) } });
          prefixes.set(name, created.body.prefix);
        }),
      );
    }
    await page.reload();
    const rows = page.locator('table[aria-label="Client keys"] tbody tr');
    await eventually(() => rows.count()).toBe(50);
    const pager = page.getByRole('navigation', { name: 'Key pages' });
    const seen: string[] = [];
    for (;;) {
      await rows.first().waitFor();
      seen.push(...(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-client') ?? ''))));
      if ((await pager.getByRole('button', { name: 'Next' }).count()) === 0) break;
      const firstBefore = await rows.first().getAttribute('data-client');
      await pager.getByRole('button', { name: 'Next' }).click();
      await eventually(() => rows.first().getAttribute('data-client')).not.toBe(firstBefore);
    }
    // 120 + ui-app, edit-me, to-revoke, in name order, each once.
    expect(seen).toHaveLength(123);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(123);
    expect(await pager.textContent()).toContain('page 3 · keys 101–123');
    await pager.getByRole('button', { name: 'Previous' }).click();
    await eventually(() => pager.textContent()).toContain('page 2 · keys 51–100');

    await page.getByLabel('Search name, prefix or id').fill('pg-11');
    await eventually(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-client')))).toEqual(
      Array.from({ length: 10 }, (_, i) => `pg-11${i}`),
    );
    await page.getByLabel('Search name, prefix or id').fill(prefixes.get('pg-042') as string);
    await eventually(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-client')))).toEqual([
      'pg-042',
    ]);
    await page.getByLabel('Search name, prefix or id').fill('');
    await page.getByLabel('Tag (name or name=value)').fill('shard=3');
    await eventually(() => rows.count()).toBe(30);
    expect(await pager.getByRole('button', { name: 'Next' }).count()).toBe(0);
    await page.getByLabel('Tag (name or name=value)').fill('');
  });

  it('shows config-declared clients read-only, saying why', FLOW, async () => {
    const section = page.getByRole('region', { name: 'Config clients' });
    const row = section.locator('[data-client="test-client"]');
    await row.waitFor();
    expect(await row.locator('.badge').textContent()).toBe('config');
    expect(await section.textContent()).toContain('undone by the next publish');
    expect(await section.getByRole('button').count()).toBe(0);
  });

  it('fits a narrow screen: the editor wraps and only the table scrolls sideways', FLOW, async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'New client key' }).click();
    await form().waitFor();
    // The elements reaching past the right edge (none but what sits inside a sideways-scrolling table box).
    const overflowing = () =>
      page.evaluate(`[...document.querySelectorAll('body *')]
        .filter((el) => !el.closest('.table-scroll') && el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map((el) => el.tagName.toLowerCase() + '.' + el.className)`);
    expect(await overflowing()).toEqual([]);
    expect(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    const box = await form().getByLabel('Allowed model patterns').boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
    await screenshot(page, 'clients-narrow');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.setViewportSize({ width: 1280, height: 900 });
    // Script errors and CSP violations; the refusals this file provokes (a 400, the 401 before sign-in) are loads.
    expect(problems.filter((problem) => !problem.startsWith('Failed to load resource'))).toEqual([]);
  });
});
