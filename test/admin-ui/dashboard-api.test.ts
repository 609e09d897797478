import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

const PROVIDER_KEY = 'sk-bundle-provider-secret-0123456789';
const ENV_SECRET = 'env-referenced-secret-value-987654';

describe('admin API for the dashboard: overview, traffic, incidents, requests, diagnostics, test now', () => {
  let primary: FakeOpenAI;
  let backup: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    primary = await FakeOpenAI.start({ apiKey: PROVIDER_KEY });
    backup = await FakeOpenAI.start({ apiKey: ENV_SECRET });
    harness = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('primary', primary.baseUrl, PROVIDER_KEY),
          fakeProvider('backup', backup.baseUrl, '${BACKUP_KEY}'),
        ],
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
      env: { BACKUP_KEY: ENV_SECRET },
    });
    const client = harness.openai();
    const ask = () => client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    for (let i = 0; i < 6; i++) await ask();
    primary.enqueue({ kind: 'error', status: 503, body: { error: { message: 'overloaded' } } });
    await ask(); // served by backup after a fallback
    await expect(client.chat.completions.create({ model: 'nope', messages: [] })).rejects.toMatchObject({
      status: 404,
    });
    await harness.records(8);
  });
  afterAll(async () => {
    await harness.close();
    await primary.close();
    await backup.close();
  });

  it('sums the last windows from rollups with percentiles and sparklines, and lists the fallback', async () => {
    const { status, body } = await harness.admin('GET', '/overview');
    expect(status).toBe(200);
    const fiveMinutes = body.windows.find((w: { window: string }) => w.window === '5m');
    expect(fiveMinutes).toMatchObject({ requests: 8, errors: 1 });
    expect(fiveMinutes.latency_p50_ms).toBeGreaterThan(0);
    expect(fiveMinutes.sparkline.reduce((a: number, b: number) => a + b, 0)).toBe(8);
    expect(body.windows.map((w: { window: string }) => w.window)).toEqual(['5m', '1h', '24h', '7d']);
    expect(body.incidents.fallbacks).toEqual([
      expect.objectContaining({ model: 'chat', provider: 'backup', attempts: 2 }),
    ]);
    expect(body.incidents.changes[0]).toMatchObject({ kind: 'publish' });
    expect(body.targets.map((t: { id: string }) => t.id).sort()).toHaveLength(2);
  });

  it('draws traffic per provider and per status class', async () => {
    const { body } = await harness.admin('GET', '/traffic?range=1h&group=provider');
    expect(body.grain).toBe('minute');
    const totals = Object.fromEntries(
      body.series.map((s: { group: string; points: Array<{ requests: number }> }) => [
        s.group,
        s.points.reduce((sum, p) => sum + p.requests, 0),
      ]),
    );
    expect(totals).toEqual({ primary: 6, backup: 1, '': 1 });
    const classes = Object.fromEntries(
      body.status_classes.map((s: { group: string; points: Array<{ requests: number }> }) => [
        s.group,
        s.points.reduce((sum, p) => sum + p.requests, 0),
      ]),
    );
    expect(classes).toEqual({ '2xx': 7, '4xx': 1 });
    expect((await harness.admin('GET', '/traffic?range=2y')).status).toBe(400);
    expect((await harness.admin('GET', '/traffic?group=secret')).status).toBe(400);
  });

  it("sums each client's usage over the period and tells when it was last used", async () => {
    const started = Date.now();
    const { status, body } = await harness.admin('GET', '/clients/usage?range=24h');
    expect(status).toBe(200);
    expect(body.range).toBe('24h');
    const [usage] = body.data;
    expect(body.data).toHaveLength(1);
    // The unknown-model request was authenticated too: it counts, as one error.
    expect(usage).toMatchObject({ client: 'test-client', requests: 8, errors: 1, last_used_within_ms: 60_000 });
    expect(usage.input_tokens).toBeGreaterThan(0);
    expect(started - Date.parse(usage.last_used_at)).toBeLessThan(5 * 60_000);
    expect((await harness.admin('GET', '/clients/usage?range=1y')).status).toBe(400);
  });

  it('filters requests by route and status class, and exports the filtered set as CSV and JSON lines', async () => {
    const fallbacks = await harness.admin('GET', '/requests?route=fallback');
    expect(fallbacks.body.data).toHaveLength(1);
    expect(fallbacks.body.data[0].attempts.map((a: { errorClass?: string }) => a.errorClass ?? null)).toEqual([
      'server_error',
      null,
    ]);
    expect((await harness.admin('GET', '/requests?status=4xx')).body.data).toHaveLength(1);

    const csv = await fetch(`${harness.adminUrl}/admin/api/requests/export?format=csv&provider=primary`, {
      headers: { authorization: `Bearer ${'amg_admin_test_token_0123456789abcdef'}` },
    });
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="requests-.*\.csv"/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^time,id,client,entry_point,model,provider,/);
    expect(lines).toHaveLength(7);
    const json = await fetch(`${harness.adminUrl}/admin/api/requests/export?format=json&max=2`, {
      headers: { authorization: `Bearer ${'amg_admin_test_token_0123456789abcdef'}` },
    });
    expect(
      (await json.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toHaveLength(2);
  });

  it('orders the request log by latency a page at a time, with the size of the filtered set', async () => {
    const first = await harness.admin('GET', '/requests?sort=latency&order=desc&limit=3');
    expect(first.body).toMatchObject({ total: 8, total_exact: true, next_before: null });
    const second = await harness.admin(
      'GET',
      `/requests?sort=latency&order=desc&limit=3&cursor=${first.body.next_cursor}`,
    );
    const all = await harness.admin('GET', '/requests?limit=100');
    const slowestFirst = [...all.body.data]
      .sort((a, b) => b.latencyMs - a.latencyMs || (a.id < b.id ? 1 : -1))
      .map((r: { id: string }) => r.id);
    expect([...first.body.data, ...second.body.data].map((r: { id: string }) => r.id)).toEqual(
      slowestFirst.slice(0, 6),
    );
    // The export keeps the order it is asked for, page to page.
    const exported = await fetch(`${harness.adminUrl}/admin/api/requests/export?format=json&sort=latency&order=asc`, {
      headers: { authorization: `Bearer ${'amg_admin_test_token_0123456789abcdef'}` },
    });
    const ids = (await exported.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).id);
    expect(ids).toEqual([...slowestFirst].reverse());
    const wrong = await harness.admin('GET', '/requests?sort=size');
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toContain('sort must be time, latency, cost or tokens');
    expect((await harness.admin('GET', '/requests?sort=cost&cursor=nonsense')).status).toBe(400);
  });

  it('tests a model through the real routing path and records it as a request', async () => {
    const { status, body } = await harness.admin('POST', '/models/chat/test');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      model: 'chat',
      status: 200,
      provider: 'primary',
      upstream_model: 'up-a',
      error: null,
    });
    expect(body.answer).toEqual(expect.any(String));
    await harness.gateway.telemetry.flush();
    const recorded = await harness.admin('GET', `/requests/${body.request_id}`);
    expect(recorded.body.client).toBe('admin-ui:test-now');
    expect((await harness.admin('POST', '/models/none/test')).status).toBe(404);
  });

  it('reports diagnostics and a support bundle without any configured secret', async () => {
    const diagnostics = await harness.admin('GET', '/diagnostics');
    expect(diagnostics.body).toMatchObject({ node: process.version, storage: { kind: 'sqlite' } });
    expect(diagnostics.body.storage.size_bytes).toBeGreaterThan(0);
    expect(diagnostics.body.telemetry.written).toBeGreaterThanOrEqual(8);

    const response = await fetch(`${harness.adminUrl}/admin/api/diagnostics/bundle`, {
      headers: { authorization: `Bearer ${'amg_admin_test_token_0123456789abcdef'}` },
    });
    const text = await response.text();
    expect(response.headers.get('content-disposition')).toContain('amg-support-');
    const bundle = JSON.parse(text);
    expect(bundle.diagnostics.version).toBeDefined();
    expect(bundle.recent_errors.length).toBeGreaterThan(0);
    for (const secret of [
      PROVIDER_KEY,
      ENV_SECRET,
      'amg_admin_test_token_0123456789abcdef',
      'amg_test_client_token_0123456789',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});

/**
 * Test now for a model none of whose providers has a key: a 409 naming the variable to set (the operator's to
 * fix, as the UI's disabled button says), not the 503 of a gateway that is unwell; nothing is sent or recorded.
 */
describe('test now for a model whose provider has no key', () => {
  let harness: GatewayHarness;

  beforeAll(async () => {
    harness = await GatewayHarness.start({
      config: {
        // An optional key, unset: the provider loads, not configured.
        providers: [fakeProvider('keyless', 'http://127.0.0.1:9/v1', '${KEYLESS_API_KEY:-}')],
        models: [{ name: 'untested', targets: [{ provider: 'keyless', model: 'm' }] }],
      },
      env: { KEYLESS_API_KEY: undefined },
    });
  });
  afterAll(() => harness.close());

  it('answers 409 naming the variable to set', async () => {
    const { body: providers } = await harness.admin('GET', '/providers');
    expect(providers.data[0]).toMatchObject({ configured: false, missing_env: 'KEYLESS_API_KEY' });
    const { status, body } = await harness.admin('POST', '/models/untested/test');
    expect(status).toBe(409);
    expect(body.error).toMatchObject({ code: 'GW_ERR_ADMIN_PROVIDER_NOT_CONFIGURED' });
    expect(body.error.message).toMatch(/set KEYLESS_API_KEY and restart/);
    await harness.gateway.telemetry.flush();
    expect(await harness.gateway.store.listRequests({ limit: 10 })).toEqual([]);
  });
});
