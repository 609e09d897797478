import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { ADMIN_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { type PromMetrics, scrape } from '../support/prometheus.js';

const DASHBOARD = new URL('../../docs/grafana/ai-model-gateway.json', import.meta.url);

interface Panel {
  title: string;
  targets?: Array<{ expr: string }>;
}

/** The metric names a PromQL expression reads (the gateway's and the Node process's). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b(?:amg|nodejs|process)_[a-z0-9_]+\b/g)].map((match) => match[0]);
}

/** A histogram is queried through its _bucket/_sum/_count series; the exposition names the family. */
function familyOf(name: string, families: PromMetrics): string {
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return base !== name && families[base]?.type === 'histogram' ? base : name;
}

describe('the Grafana dashboard', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start({ apiKey: 'sk-up' });
    harness = await GatewayHarness.start({
      config: {
        providers: [{ ...fakeProvider('primary', upstream.baseUrl, 'sk-up'), pricing: { m: { input: 1, output: 1 } } }],
        models: [{ name: 'chat', targets: [{ provider: 'primary', model: 'm' }] }],
        routing: { health_checks: { enabled: true, interval_s: 0.2, timeout_ms: 1_000 } },
      },
    });
    const client = harness.openai();
    await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    const stream = await client.chat.completions.create({
      model: 'chat',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    for await (const _ of stream) {
      // drained so the stream's record is complete
    }
    await harness.records(2);
    const deadline = Date.now() + 10_000;
    while (!harness.gateway.router.state.target('primary/m').health && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  it('queries only metrics the gateway exposes, each with samples', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as { panels: Panel[] };
    const queried = new Set(
      dashboard.panels.flatMap((panel) => (panel.targets ?? []).flatMap((t) => metricNames(t.expr))),
    );
    expect(queried.size).toBeGreaterThan(15);
    const { status, families } = await scrape(harness.url, ADMIN_TOKEN);
    expect(status).toBe(200);
    const missing = [...queried].filter((name) => (families[familyOf(name, families)]?.data.length ?? 0) === 0);
    expect(missing).toEqual([]);
  });

  it('covers overview, latency, errors, providers and cost', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as { panels: Array<Panel & { type: string }> };
    const rows = dashboard.panels.filter((panel) => panel.type === 'row').map((panel) => panel.title);
    expect(rows).toEqual(expect.arrayContaining(['Overview', 'Latency', 'Errors', 'Providers', 'Cost and tokens']));
  });
});
