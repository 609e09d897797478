import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

describe('client keys and the request log through the admin API', () => {
  let upstream: FakeOpenAI;
  let harness: GatewayHarness;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    harness = await GatewayHarness.start({
      config: {
        providers: [fakeProvider('primary', upstream.baseUrl)],
        models: [{ name: 'gpt-4o-mini', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }],
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  const ask = (token: string) =>
    harness
      .openai(token)
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

  it('creates a key that works at once, lists it without its secret, and refuses it after revocation', async () => {
    const created = await harness.admin('POST', '/keys', { name: 'mobile-app' });
    expect(created.status).toBe(201);
    // amg_<shortid>_<secret>: the short id is the visible prefix that names the token in logs and scanners.
    expect(created.body.token).toMatch(/^amg_[0-9a-f]{10}_[A-Za-z0-9_-]{43}$/);
    const token: string = created.body.token;

    await expect(ask(token)).resolves.toMatchObject({ object: 'chat.completion' });
    const [record] = await harness.records();
    expect(record?.client).toBe('mobile-app');

    const list = await harness.admin('GET', '/keys');
    const listed = list.body.data.find((k: { name: string }) => k.name === 'mobile-app');
    expect(listed).toMatchObject({ status: 'active', prefix: token.slice(0, 14) });
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(JSON.stringify(list.body)).not.toMatch(/[0-9a-f]{64}/);

    const revoked = await harness.admin('DELETE', '/keys/mobile-app');
    expect(revoked.body.status).toBe('revoked');
    await expect(ask(token)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a second active key with the same name', async () => {
    await harness.admin('POST', '/keys', { name: 'dup' });
    const again = await harness.admin('POST', '/keys', { name: 'dup' });
    expect(again.status).toBe(409);
  });

  it('requires an admin token, and a client token is not one', async () => {
    expect((await harness.admin('GET', '/keys', undefined, 'nope')).status).toBe(401);
    const created = await harness.admin('POST', '/keys', { name: 'not-admin' });
    expect((await harness.admin('GET', '/keys', undefined, created.body.token)).status).toBe(401);
  });

  it('pages the request log newest first with limit and before', async () => {
    for (let i = 0; i < 5; i++) await ask('amg_test_client_token_0123456789');
    await harness.records(5);
    const first = await harness.admin('GET', '/requests?limit=2');
    expect(first.body.data).toHaveLength(2);
    expect(first.body.data[0].id > first.body.data[1].id).toBe(true);
    const second = await harness.admin('GET', `/requests?limit=2&before=${first.body.next_before}`);
    expect(second.body.data[0].id < first.body.data[1].id).toBe(true);
    const one = await harness.admin('GET', `/requests/${first.body.data[0].id}`);
    expect(one.body).toMatchObject({ id: first.body.data[0].id, entryPoint: 'chat.completions' });
    expect((await harness.admin('GET', '/requests?limit=0')).status).toBe(400);
  });

  it('never returns the provider key from any admin endpoint', async () => {
    for (const path of ['/status', '/keys', '/requests?limit=100']) {
      const { body } = await harness.admin('GET', path);
      expect(JSON.stringify(body)).not.toContain('sk-upstream-secret-key');
    }
  });
});

describe('admin_listen keeps the admin API off the data-plane port', () => {
  let harness: GatewayHarness;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ config: { providers: [], models: [] }, adminListen: '127.0.0.1:0' });
  });
  afterAll(() => harness.close());

  it('serves /admin only on the admin port', async () => {
    expect(harness.url).not.toBe(harness.adminUrl);
    expect((await fetch(`${harness.url}/admin/api/status`)).status).toBe(404);
    expect((await harness.admin('GET', '/status')).status).toBe(200);
  });
});
