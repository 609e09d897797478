import type { Browser, Page } from 'playwright-core';
import { FakeOpenAI } from '../../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../../support/gateway-harness.js';
import { launchDesktop } from './browser.js';

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
