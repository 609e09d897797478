import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium: `.ci/run` installs it; playwright-core never downloads a browser here. */
export const CHROMIUM = '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A new page at the desktop size every browser test takes (1280 x 900), in a context of its own. */
export async function desktopPage(browser: Browser): Promise<Page> {
  return (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
}

/** Chromium launched, with a desktop page open in it: what most browser tests start from. */
export async function launchDesktop(): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium();
  return { browser, page: await desktopPage(browser) };
}

/** Where screenshots go: test-results/screenshots, or docs/images for `npm run screenshots`. */
export function screenshotDir(): string {
  return resolve(process.env.AMG_SCREENSHOTS_DIR ?? 'test-results/screenshots');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = screenshotDir();
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

/** Console errors and CSP violations a page reports: a strict CSP that breaks the UI shows here. */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  return problems;
}

export async function signInWithToken(page: Page, adminUrl: string, token: string): Promise<void> {
  await page.goto(`${adminUrl}/admin`);
  await page.getByRole('tab', { name: 'Admin token' }).click();
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Pages' }).waitFor();
}

export async function signInWithPassword(page: Page, adminUrl: string, username: string, password: string) {
  await page.goto(`${adminUrl}/admin`);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
