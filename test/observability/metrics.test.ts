import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { ADMIN_TOKEN, CLIENT_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { histogramOf, sampleValue, scrape } from '../support/prometheus.js';

const METRICS_TOKEN = 'metrics-scraper-token-0123456789';

function models() {
  return [
    {
      name: 'chat',
      targets: [
        { provider: 'primary', model: 'gpt-4o-mini' },
        { provider: 'backup', model: 'llama-3.1-8b' },
      ],
    },
  ];
}

async function chat(url: string, model: string): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

describe('/metrics on the main listener', () => {
  let primary: FakeOpenAI;
  let backup: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    primary = await FakeOpenAI.start({ name: 'primary', apiKey: 'sk-primary' });
    backup = await FakeOpenAI.start({ name: 'backup', apiKey: 'sk-backup' });
    backup.setDefault({ kind: 'reply', usage: { prompt: 12, completion: 6, reasoning: 4 } });
    harness = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('primary', primary.baseUrl, 'sk-primary'),
          {
            ...fakeProvider('backup', backup.baseUrl, 'sk-backup'),
            pricing: { 'llama-3.1-8b': { input: 1, output: 2 } },
          },
        ],
        models: models(),
        metrics: { token: METRICS_TOKEN },
      },
    });
    primary.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '0' } });
    const fellBack = await harness
      .openai()
      .chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    expect(fellBack.model).toBeDefined();
    expect((await chat(harness.url, 'made-up-model-from-a-client')).status).toBe(404);
    await harness.records(2);
  });
  afterAll(async () => {
    await harness.close();
    await primary.close();
    await backup.close();
  });

  it('refuses a scrape without a token, and with a client token', async () => {
    expect((await scrape(harness.url)).status).toBe(401);
    expect((await scrape(harness.url, CLIENT_TOKEN)).status).toBe(401);
  });

  it('serves the Prometheus text format to the metrics token and to an admin token', async () => {
    const byMetricsToken = await scrape(harness.url, METRICS_TOKEN);
    expect(byMetricsToken.status).toBe(200);
    expect(byMetricsToken.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(Object.keys(byMetricsToken.families).length).toBeGreaterThan(20);
    expect((await scrape(harness.url, ADMIN_TOKEN)).status).toBe(200);
  });

  it('parses back-to-back scrapes (no NaN from a monitor without samples)', async () => {
    const scrapes = await Promise.all([1, 2, 3].map(() => scrape(harness.url, METRICS_TOKEN)));
    for (const { status, text } of scrapes) {
      expect(status).toBe(200);
      expect(text).not.toMatch(/ Nan$/im);
    }
  });

  it('counts the fallback request by model, provider, route mode, entry point and status class', async () => {
    const { families } = await scrape(harness.url, METRICS_TOKEN);
    const labels = {
      model: 'chat',
      provider: 'backup',
      route_mode: 'fallback',
      entry_point: 'chat.completions',
      status_class: '2xx',
    };
    expect(sampleValue(families, 'amg_requests_total', labels)).toBe(1);
    expect(sampleValue(families, 'amg_upstream_attempts_total', { provider: 'primary', outcome: 'rate_limit' })).toBe(
      1,
    );
    expect(sampleValue(families, 'amg_upstream_attempts_total', { provider: 'backup', outcome: 'success' })).toBe(1);
    expect(sampleValue(families, 'amg_tokens_total', { model: 'chat', provider: 'backup', type: 'input' })).toBe(12);
    expect(sampleValue(families, 'amg_tokens_total', { model: 'chat', provider: 'backup', type: 'output' })).toBe(6);
    // Reasoning is a part of output, reported apart (issue 17), and not billed twice.
    expect(sampleValue(families, 'amg_tokens_total', { model: 'chat', provider: 'backup', type: 'reasoning' })).toBe(4);
    expect(sampleValue(families, 'amg_cost_usd_total', { model: 'chat', provider: 'backup' })).toBeCloseTo(24e-6, 12);
    const duration = histogramOf(families, 'amg_request_duration_seconds', { model: 'chat', provider: 'backup' });
    expect(duration?.count).toBe(1);
    expect(Object.keys(duration?.buckets ?? {})).toEqual(expect.arrayContaining(['0.01', '600']));
  });

  it('folds a model name the config does not know into "other", never a series of its own', async () => {
    const { families, text } = await scrape(harness.url, METRICS_TOKEN);
    expect(sampleValue(families, 'amg_requests_total', { model: 'other', status_class: '4xx' })).toBe(1);
    expect(text).not.toContain('made-up-model-from-a-client');
  });

  it('shows breaker state, in-flight, telemetry, config and process series', async () => {
    const { families } = await scrape(harness.url, METRICS_TOKEN);
    const breaker = { provider: 'backup', upstream_model: 'llama-3.1-8b' };
    expect(sampleValue(families, 'amg_target_breaker_state', { ...breaker, state: 'closed' })).toBe(1);
    expect(sampleValue(families, 'amg_target_breaker_state', { ...breaker, state: 'open' })).toBe(0);
    expect(sampleValue(families, 'amg_requests_in_flight')).toBe(0);
    expect(sampleValue(families, 'amg_telemetry_records_written_total')).toBeGreaterThanOrEqual(2);
    expect(sampleValue(families, 'amg_telemetry_records_dropped_total')).toBe(0);
    expect(sampleValue(families, 'amg_config_revision')).toBe(harness.gateway.snapshot.revision);
    expect(sampleValue(families, 'amg_config_guard_watching')).toBe(0);
    expect(families.nodejs_eventloop_lag_seconds?.type).toBe('gauge');
    expect(families.process_cpu_user_seconds_total?.type).toBe('counter');
  });

  it('labels requests by client only when the config opts in', async () => {
    const { families } = await scrape(harness.url, METRICS_TOKEN);
    const samples = families.amg_requests_total?.data ?? [];
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.every((sample) => sample.labels.client === undefined)).toBe(true);
  });

  it('answers /healthz and /readyz without auth', async () => {
    const health = await fetch(`${harness.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${harness.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
  });
});

describe('/metrics with admin_listen', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start({ apiKey: 'sk-up' });
    harness = await GatewayHarness.start({
      adminListen: '127.0.0.1:0',
      config: {
        providers: [fakeProvider('primary', upstream.baseUrl, 'sk-up')],
        models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }],
        clients: [{ name: 'team-a', token: CLIENT_TOKEN }],
        metrics: { allow_unauthenticated: true, client_labels: true },
      },
    });
    expect((await chat(harness.url, 'chat')).status).toBe(200);
    await harness.records(1);
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  it('is served on the admin listener only, open when the config says so explicitly', async () => {
    const admin = await scrape(harness.adminUrl);
    expect(admin.status).toBe(200);
    expect(sampleValue(admin.families, 'amg_requests_total', { model: 'chat', client: 'team-a' })).toBe(1);
    expect((await fetch(`${harness.url}/metrics`)).status).toBe(404);
  });

  it('answers the probes on both listeners', async () => {
    for (const base of [harness.url, harness.adminUrl]) {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    }
  });
});

describe('/metrics turned off', () => {
  it('answers 404 and observes nothing', async () => {
    const harness = await GatewayHarness.start({ config: { metrics: { enabled: false } } });
    try {
      expect((await scrape(harness.url, ADMIN_TOKEN)).status).toBe(404);
      expect(harness.gateway.observability.metrics).toBeUndefined();
    } finally {
      await harness.close();
    }
  });
});
