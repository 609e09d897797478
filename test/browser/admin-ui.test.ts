import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { ADMIN_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import {
  chromiumAvailable,
  collectProblems,
  launchChromium,
  screenshot,
  signInWithPassword,
  signInWithToken,
} from './support/browser.js';

if (!chromiumAvailable) console.warn('SKIPPED test/browser/admin-ui.test.ts: /usr/bin/chromium is not installed');

const FLOW = { timeout: 120_000 };
/** Polls until the value matches: the UI refreshes on its own timers, and CPU here is shared. */
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 200 });

describe.skipIf(!chromiumAvailable)('the Admin UI in headless Chromium', () => {
  let primary: FakeOpenAI;
  let backup: FakeOpenAI;
  let harness: GatewayHarness;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    primary = await FakeOpenAI.start();
    backup = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', primary.baseUrl), fakeProvider('backup', backup.baseUrl)],
        models: [
          {
            name: 'chat',
            targets: [
              { provider: 'primary', model: 'up-a' },
              { provider: 'backup', model: 'up-b' },
            ],
          },
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
    browser = await launchChromium();
    admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await admin.newPage();
    problems = collectProblems(page);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await primary?.close();
    await backup?.close();
  });

  const send = async (count: number) => {
    const client = harness.openai();
    for (let i = 0; i < count; i++) {
      await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: `hi ${i}` }] });
    }
    await harness.gateway.telemetry.flush();
  };
  const figure = (window: string) => page.locator(`[data-window="${window}"] [data-figure="requests"]`);

  it('signs in with the admin token, then shows the numbers move as traffic arrives', FLOW, async () => {
    await signInWithToken(page, harness.adminUrl, ADMIN_TOKEN);
    // The browser's own first requests may already be counted (a 404 is a request too); count from here.
    await eventually(() => figure('5m').textContent()).toMatch(/^\d+$/);
    await harness.gateway.telemetry.flush();
    const base = Number(await figure('5m').textContent());
    await send(3);
    primary.enqueue({ kind: 'error', status: 503, body: { error: { message: 'overloaded' } } });
    await send(1); // a fallback to backup
    await eventually(async () => Number(await figure('5m').textContent()) - base).toBe(4);
    await eventually(() => page.getByText('fallback').first().isVisible()).toBe(true);
    await screenshot(page, 'overview');
  });

  it('draws the traffic charts', FLOW, async () => {
    await page.getByRole('link', { name: 'Traffic' }).click();
    await eventually(() => page.locator('figure.chart canvas').count()).toBe(6);
    await page.getByLabel('Group by').selectOption('provider');
    await eventually(() => page.locator('figure.chart').first().textContent()).toContain('backup');
    await screenshot(page, 'traffic');
  });

  it('filters requests, opens one and shows its attempts and why it was routed so', FLOW, async () => {
    await page.getByRole('link', { name: 'Requests' }).click();
    await page.getByRole('textbox', { name: 'Model', exact: true }).fill('chat');
    await page.getByRole('textbox', { name: 'Model', exact: true }).press('Tab');
    await eventually(() => page.locator('table.requests tbody tr').count()).toBe(4);
    await page.getByLabel('Route').selectOption('fallback');
    await eventually(() => page.locator('table.requests tbody tr').count()).toBe(1);
    await page.locator('table.requests tbody tr button').first().click();
    const detail = page.getByRole('complementary', { name: 'Request detail' });
    await eventually(() => detail.locator('table.attempts tbody tr').count()).toBe(2);
    const text = await detail.textContent();
    expect(text).toContain('primary/up-a failed (server_error)');
    expect(text).toContain('served by backup/up-b');
    await screenshot(page, 'requests');
  });

  it('tests a model now through the routing path from the Providers page', FLOW, async () => {
    await page.getByRole('link', { name: 'Providers' }).click();
    await page.getByRole('button', { name: 'test chat now' }).first().click();
    const result = page.locator('[data-test-result="chat"]').first();
    await eventually(() => result.textContent()).toMatch(/^200 via primary\/up-a/);
    await screenshot(page, 'providers');
  });

  it('creates a client token shown once with snippets, and revoking it gets it refused', FLOW, async () => {
    await page.getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('button', { name: 'New client key' }).click();
    await page.getByLabel('New client name').fill('browser-app');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.locator('[data-token]').textContent()) as string;
    expect(token).toMatch(/^amg_/);
    await page.locator('summary', { hasText: 'curl' }).click();
    expect(await page.getByRole('region', { name: 'New token' }).textContent()).toContain(
      `${harness.url}/v1/chat/completions`,
    );
    const client = harness.openai(token);
    await expect(
      client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'x' }] }),
    ).resolves.toBeDefined();
    await harness.gateway.telemetry.flush();

    await page.getByRole('button', { name: 'Done, hide it' }).click();
    // Usage and last use come from the rollups: the new token's request, and the config client's traffic.
    await page.reload();
    const row = (name: string) => page.locator(`[data-client="${name}"]`);
    await eventually(() => row('browser-app').locator('[data-figure="requests"]').textContent()).toBe('1');
    expect(await row('browser-app').locator('[data-figure="last-used"]').textContent()).not.toBe('never');
    await eventually(() => row('test-client').locator('.badge').textContent()).toBe('config');
    expect(Number(await row('test-client').locator('[data-figure="requests"]').textContent())).toBeGreaterThan(0);
    await screenshot(page, 'clients');
    await page.getByRole('button', { name: 'revoke browser-app' }).click();
    await page.getByRole('dialog', { name: 'Revoke browser-app' }).getByRole('button', { name: 'Revoke' }).click();
    await eventually(() => page.locator('[data-client="browser-app"] .badge').textContent()).toBe('revoked');
    // A revoked key was still used before: its figures stay, not 0 requests and "never".
    await page.reload();
    await eventually(() => row('browser-app').locator('[data-figure="requests"]').textContent()).toBe('1');
    expect(await row('browser-app').locator('[data-figure="last-used"]').textContent()).not.toBe('never');
    await expect(
      client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 401,
    });
    expect(await page.content()).not.toContain(token);
  });

  it(
    'edits config: a validation error at its line, fixed, diffed, previewed, published and rolled back',
    FLOW,
    async () => {
      await page.getByRole('link', { name: 'Config' }).click();
      const editor = page.locator('.cm-content');
      await editor.waitFor({ timeout: 30_000 });
      await editor.click();
      await page.keyboard.press('Control+End');
      await page.keyboard.insertText('\nbogus_key: 1');
      const problem = page.locator('.problems li').first();
      await eventually(() => problem.textContent()).toContain('bogus_key');
      const shown = (await editor.innerText()).split('\n');
      expect(await problem.getAttribute('data-line')).toBe(
        String(shown.findIndex((l) => l.startsWith('bogus_key')) + 1),
      );
      await eventually(() => page.locator('.cm-lint-marker-error').count()).toBeGreaterThan(0);
      expect(await page.getByRole('button', { name: 'Publish' }).isDisabled()).toBe(true);
      await screenshot(page, 'config');

      // Fix it: replace the bad line with a valid setting.
      for (let i = 0; i < 'bogus_key: 1'.length; i++) await page.keyboard.press('Backspace');
      await page.keyboard.insertText('telemetry:\n  retention_days: 7');
      await eventually(() => page.locator('.validation').textContent()).toContain('Valid.');

      await page.getByRole('button', { name: 'Diff against active' }).click();
      await eventually(() => page.getByRole('region', { name: 'Diff' }).textContent()).toContain('retention_days":7');
      await page.getByRole('button', { name: 'Preview impact' }).click();
      await eventually(() => page.getByRole('region', { name: 'Impact preview' }).isVisible()).toBe(true);
      // Read as the CLI's preview reads: in words and a table per provider, not the API's JSON.
      const impact = page.getByRole('region', { name: 'Impact preview' });
      expect(await impact.locator('[data-replayed]').textContent()).toMatch(/^\d+ requests? replayed against/);
      expect(await impact.textContent()).toContain('Clients losing access');
      expect(await impact.locator('[data-cost-per-day]').textContent()).toMatch(/→/);
      expect(await impact.textContent()).not.toContain('"currentPerDay"');

      const before = (await harness.admin('GET', '/config/revisions?limit=1')).body.data[0].number as number;
      await page.getByLabel('Message').fill('keep a week of requests');
      await page.getByRole('button', { name: 'Publish' }).click();
      await eventually(() => page.getByText(`Published revision ${before + 1}.`).isVisible()).toBe(true);
      expect(harness.gateway.snapshot.config.telemetry.retention_days).toBe(7);

      await page.getByRole('button', { name: `roll back to revision ${before}` }).click();
      await page
        .getByRole('dialog', { name: `Roll back to revision ${before}` })
        .getByRole('button', { name: 'Roll back' })
        .click();
      await eventually(() => harness.gateway.snapshot.config.telemetry.retention_days).toBe(30);
      await eventually(() => page.locator(`[data-revision="${before + 2}"]`).textContent()).toContain('active');
    },
  );

  it('verifies the audit chain and lists the UI actions', FLOW, async () => {
    await page.getByRole('link', { name: 'Audit' }).click();
    await eventually(() => page.locator('[data-chain]').getAttribute('data-chain')).toBe('ok');
    await page.getByLabel('Action').fill('config.rollback');
    await page.getByLabel('Action').press('Tab');
    await eventually(() => page.locator('tbody tr').count()).toBe(1);
    await screenshot(page, 'audit');
  });

  it('shows diagnostics and who is signed in', FLOW, async () => {
    await page.getByRole('link', { name: 'Diagnostics' }).click();
    await eventually(() => page.locator('main').textContent()).toContain(process.version);
    await eventually(() => page.locator('[data-session]').count()).toBe(1);
    await screenshot(page, 'diagnostics');
    // Only failures that are not the API answering as designed (the 401 before signing in).
    expect(problems.filter((p) => !p.includes('status of 401'))).toEqual([]);
  });

  it('gives a viewer no write controls, and the API refuses their writes anyway', FLOW, async () => {
    await harness.admin('POST', '/admin-users', { name: 'oncall', role: 'viewer', password: 'viewer password 123' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const viewer = await context.newPage();
    await signInWithPassword(viewer, harness.adminUrl, 'oncall', 'viewer password 123');
    await viewer.getByRole('navigation', { name: 'Pages' }).waitFor();
    await viewer.getByRole('link', { name: 'Clients' }).click();
    await viewer.locator('[data-client]').first().waitFor();
    expect(await viewer.getByRole('button', { name: 'New client key' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: /^edit/ }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: /^revoke/ }).count()).toBe(0);
    await viewer.getByRole('link', { name: 'Config' }).click();
    await viewer.locator('.cm-content').waitFor({ timeout: 30_000 });
    expect(await viewer.locator('.cm-content').getAttribute('contenteditable')).toBe('false');
    expect(await viewer.getByRole('button', { name: 'Publish' }).count()).toBe(0);
    const status = await viewer.evaluate(async () => {
      const response = await fetch('/admin/api/keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'viewer-made' }),
      });
      return response.status;
    });
    expect(status).toBe(403);
    await context.close();
  });

  it('refuses a write from a page on another origin', FLOW, async () => {
    const evil = await admin.newPage();
    await evil.route('http://evil.test/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>evil</title>' }),
    );
    await evil.goto('http://evil.test/');
    const outcome = await evil.evaluate(async (url) => {
      try {
        const response = await fetch(`${url}/admin/api/keys`, {
          method: 'POST',
          credentials: 'include',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'cross-origin' }),
        });
        return `status ${response.status}`;
      } catch (error) {
        return `blocked: ${String(error)}`;
      }
    }, harness.adminUrl);
    expect(outcome).toMatch(/blocked|status 40[13]/);
    // A simple (no-preflight) form post cannot carry JSON and is refused too.
    await evil.evaluate((url) => {
      // Runs in the browser; the test's own types have no DOM.
      const document = (globalThis as any).document;
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = `${url}/admin/api/keys`;
      form.enctype = 'text/plain';
      const input = document.createElement('input');
      input.name = '{"name":"cross-origin-form","x":"';
      input.value = '"}';
      form.append(input);
      document.body.append(form);
      form.submit();
    }, harness.adminUrl);
    await evil.waitForLoadState();
    const keys = (await harness.admin('GET', '/keys')).body.data.map((k: { name: string }) => k.name);
    expect(keys).not.toContain('cross-origin');
    expect(keys).not.toContain('cross-origin-form');
    await evil.close();
  });

  it('throttles sign-in after repeated failures for a user', FLOW, async () => {
    const context = await browser.newContext();
    const guess = await context.newPage();
    for (let i = 0; i < 5; i++) {
      await signInWithPassword(guess, harness.adminUrl, 'oncall', `wrong guess ${i}`);
      await eventually(() => guess.getByRole('alert').textContent()).toContain('wrong user name or password');
    }
    await signInWithPassword(guess, harness.adminUrl, 'oncall', 'viewer password 123');
    await eventually(() => guess.getByRole('alert').textContent()).toContain('Too many failed sign-ins');
    await screenshot(guess, 'sign-in');
    await context.close();
  });

  it('ends a session at once when another admin revokes it', FLOW, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const other = await context.newPage();
    await signInWithToken(other, harness.adminUrl, ADMIN_TOKEN);
    const sessions = (await harness.admin('GET', '/sessions')).body.data as Array<{ id: string; createdAt: string }>;
    const first = [...sessions].sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0] as { id: string };
    await other.getByRole('link', { name: 'Diagnostics' }).click();
    await other.locator(`[data-session="${first.id}"] button`).click();
    await eventually(() => other.locator(`[data-session="${first.id}"]`).count()).toBe(0);
    // The first browser's next request (its auto-refresh) finds the session gone and shows the sign-in page.
    await eventually(() => page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    await context.close();
  });
});
