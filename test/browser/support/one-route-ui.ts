import type { Browser, Page } from 'playwright-core';
import type { RequestRecord } from '../../../src/telemetry/request-record.js';
import { FakeOpenAI } from '../../fakes/fake-openai.js';
import { ADMIN_TOKEN, fakeProvider, GatewayHarness } from '../../support/gateway-harness.js';
import { launchDesktop, signInWithToken } from './browser.js';

/** A gateway with one chat route (`chat`) to a fake OpenAI upstream, and a Chromium page at 1280×900. */
export interface OneRouteUi {
  upstream: FakeOpenAI;
  harness: GatewayHarness;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** What a page test needs before it signs in: traffic to show needs a route, the route needs an upstream. */
export async function startOneRouteUi(): Promise<OneRouteUi> {
  const upstream = await FakeOpenAI.start();
  const harness = await GatewayHarness.start({
    config: {
      providers: [fakeProvider('primary', upstream.baseUrl)],
      models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'm' }] }],
    },
  });
  const { browser, page } = await launchDesktop();
  return {
    upstream,
    harness,
    browser,
    page,
    async close() {
      await browser.close();
      await harness.close();
      await upstream.close();
    },
  };
}

/** The one-route UI with `log` in its store, signed in with the admin token, on the page the nav names `pageName`. */
export async function startOneRouteUiOn(pageName: string, log: readonly RequestRecord[]): Promise<OneRouteUi> {
  const ui = await startOneRouteUi();
  await ui.harness.gateway.store.insertRequests(log);
  await signInWithToken(ui.page, ui.harness.adminUrl, ADMIN_TOKEN);
  await ui.page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: pageName }).click();
  return ui;
}
