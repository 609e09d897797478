import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { histogramOf, sampleValue, scrape } from '../support/prometheus.js';
import { stopStreamAfter } from '../support/stop-stream.js';

const METRICS_TOKEN = 'metrics-values-token-0123456789';

/**
 * The gateway's samples in an exposition (series, each bucket counted). The process's own series come and go
 * with the runtime (a kind of GC seen for the first time, a type of active resource), not with client input.
 */
function gatewaySamples(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('amg_'));
}

function chat(url: string, model: string, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json', ...extra },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

/** What an operator reads in /metrics after traffic whose numbers are known. */
describe('/metrics values after known traffic', () => {
  let upstream: FakeOpenAI;
  let flaky: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start({ apiKey: 'sk-up' });
    flaky = await FakeOpenAI.start({ apiKey: 'sk-flaky' });
    flaky.setDefault({ kind: 'error', status: 500 });
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('up', upstream.baseUrl, 'sk-up'), fakeProvider('flaky', flaky.baseUrl, 'sk-flaky')],
        models: [
          { name: 'chat', targets: [{ provider: 'up', model: 'gpt-4o-mini' }] },
          { name: 'broken', targets: [{ provider: 'flaky', model: 'm-broken' }] },
        ],
        routing: {
          retries: { max_attempts: 1, backoff_ms: 0, max_backoff_ms: 0, respect_retry_after: true, budget_ms: 20_000 },
          cooldown: { failures: 2, window_s: 60, cooldown_s: 600 },
        },
        metrics: { token: METRICS_TOKEN },
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
    await flaky.close();
  });

  it('times the first byte of a slow stream in the TTFT histogram, in seconds', async () => {
    upstream.enqueue({ kind: 'reply', delayMs: 1_200 });
    const stream = await harness
      .openai()
      .chat.completions.create({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    for await (const _ of stream) {
      // drained
    }
    await harness.records(1);
    const { families } = await scrape(harness.url, METRICS_TOKEN);
    const ttft = histogramOf(families, 'amg_time_to_first_token_seconds', { model: 'chat', provider: 'up' });
    expect(ttft?.count).toBe(1);
    expect(ttft?.sum).toBeGreaterThanOrEqual(1.2);
    expect(ttft?.buckets['1']).toBe(0);
    expect(ttft?.buckets['600']).toBe(1);
  });

  it('shows a request hanging upstream as in flight, and no longer once the client left', async () => {
    upstream.enqueue({ kind: 'hang' });
    const abort = new AbortController();
    const hanging = fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      signal: abort.signal,
      headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
    }).catch(() => undefined);
    await expect
      .poll(async () => sampleValue((await scrape(harness.url, METRICS_TOKEN)).families, 'amg_requests_in_flight'))
      .toBe(1);
    abort.abort();
    await hanging;
    await expect
      .poll(async () => sampleValue((await scrape(harness.url, METRICS_TOKEN)).families, 'amg_requests_in_flight'))
      .toBe(0);
    const { families } = await scrape(harness.url, METRICS_TOKEN);
    expect(
      sampleValue(families, 'amg_upstream_attempts_total', {
        provider: 'up',
        upstream_model: 'gpt-4o-mini',
        outcome: 'cancelled',
      }),
    ).toBe(1);
  });

  it('times the first byte of a stream the client stopped reading after it had started', async () => {
    const series = { model: 'chat', provider: 'up', entry_point: 'chat.completions' };
    const before = histogramOf(
      (await scrape(harness.url, METRICS_TOKEN)).families,
      'amg_time_to_first_token_seconds',
      series,
    );
    upstream.enqueue({ kind: 'stall', after: 2 });
    // A user pressing stop after the first words: the first token did reach them.
    expect(await stopStreamAfter(harness.openai(), 'chat', 2)).toBe(2);
    await harness.recordWhere((record) => record.status === 499 && record.stream);
    const { families } = await scrape(harness.url, METRICS_TOKEN);
    const ttft = histogramOf(families, 'amg_time_to_first_token_seconds', series);
    expect((ttft?.count ?? 0) - (before?.count ?? 0)).toBe(1);
  });

  it('shows the breaker open after the failures that opened it, the failed requests under that provider', async () => {
    for (let i = 0; i < 2; i++) expect((await chat(harness.url, 'broken')).status).toBe(500);
    await harness.records(2);
    const { families } = await scrape(harness.url, METRICS_TOKEN);
    const target = { provider: 'flaky', upstream_model: 'm-broken' };
    expect(sampleValue(families, 'amg_target_breaker_state', { ...target, state: 'open' })).toBe(1);
    expect(sampleValue(families, 'amg_target_breaker_state', { ...target, state: 'closed' })).toBe(0);
    // The transition is counted, so an open that ends before the next scrape still shows in an alert.
    expect(sampleValue(families, 'amg_target_breaker_transitions_total', { ...target, state: 'open' })).toBe(1);
    expect(sampleValue(families, 'amg_target_breaker_transitions_total', { ...target, state: 'closed' })).toBe(0);
    expect(sampleValue(families, 'amg_upstream_attempts_total', { ...target, outcome: 'server_error' })).toBe(2);
    // A dashboard filtered to the provider shows its 5xx: the requests it failed are not filed under `none`.
    expect(
      sampleValue(families, 'amg_requests_total', { model: 'broken', provider: 'flaky', status_class: '5xx' }),
    ).toBe(2);
    expect(
      sampleValue(families, 'amg_requests_total', { model: 'broken', provider: 'none', status_class: '5xx' }),
    ).toBeUndefined();
  });

  it('does not grow a series for 1,000 made-up model names and client-supplied headers', async () => {
    const send = (i: number) =>
      chat(harness.url, `made-up-${i}`, {
        'x-request-id': `junk-${i}`,
        'user-agent': `agent-${i}`,
        'x-amg-route': `r${i}`,
      });
    expect((await send(0)).status).toBe(404);
    await harness.records(1);
    const before = await scrape(harness.url, METRICS_TOKEN);
    for (let i = 1; i < 1_001; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => send(i + j)));
    }
    await expect
      .poll(async () =>
        sampleValue((await scrape(harness.url, METRICS_TOKEN)).families, 'amg_requests_total', {
          model: 'other',
          status_class: '4xx',
        }),
      )
      .toBe(1_001);
    const after = await scrape(harness.url, METRICS_TOKEN);
    const series = (text: string) => gatewaySamples(text).map((line) => line.slice(0, line.lastIndexOf(' ')));
    expect(series(after.text)).toEqual(series(before.text));
    expect(after.text).not.toMatch(/made-up-|junk-|agent-/);
  });
});
