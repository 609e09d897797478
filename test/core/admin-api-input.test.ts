import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, GatewayHarness } from '../support/gateway-harness.js';

interface Sent {
  status: number;
  body: { error?: { code?: string; message?: string } } | undefined;
}

/**
 * What the admin API does with requests that are not well-formed JSON from a known admin: the credential is
 * checked before the body is read, every refusal is a JSON error with its own status, and a browser on another
 * site cannot make it change anything.
 */
describe('admin API input', () => {
  let harness: GatewayHarness;
  let viewer: string;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ config: { providers: [], models: [] } });
    viewer = (await harness.admin('POST', '/admin-tokens', { name: 'vera', role: 'viewer' })).body.token;
  });
  afterAll(() => harness.close());

  const send = async (
    path: string,
    body: string,
    headers: Record<string, string> = {},
    token: string | undefined = ADMIN_TOKEN,
  ): Promise<Sent> => {
    const response = await fetch(`${harness.adminUrl}/admin/api${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body,
    });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as Sent['body'] };
  };
  const latestAudit = async () => (await harness.admin('GET', '/audit?limit=1')).body.data[0];
  const revisions = async () => (await harness.admin('GET', '/config/revisions')).body.data.length as number;

  it('checks the admin token before the body: a bad token with a broken body is a 401, and audited', async () => {
    const refused = await send('/config/publish', '{not json', {}, 'amg_admin_not_a_token');
    expect(refused.status).toBe(401);
    expect(refused.body?.error?.code).toBe('GW_ERR_ADMIN_AUTH_INVALID');
    expect(await latestAudit()).toMatchObject({ actor: 'anonymous', outcome: 'denied' });
    expect((await send('/keys', '{not json', {}, viewer)).status).toBe(403);
  });

  it('audits a malformed body from an admin as a failure of the action it was for', async () => {
    const refused = await send('/config/publish', '{not json');
    expect(refused.status).toBe(400);
    expect(refused.body?.error?.message).toMatch(/not valid JSON/);
    expect(await latestAudit()).toMatchObject({ actor: 'bootstrap', action: 'config.publish', outcome: 'failed' });
  });

  it('answers a body over the limit with 413', async () => {
    const content = 'x'.repeat(2 * 1024 * 1024);
    const refused = await send('/config/validate', JSON.stringify({ content }));
    expect(refused.status).toBe(413);
    expect(refused.body?.error?.code).toBe('GW_ERR_ADMIN_BODY_TOO_LARGE');
  });

  it('refuses writes from a browser on another site, and audits them', async () => {
    const before = await revisions();
    const crossSite = await send('/config/rollback', '{}', { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body?.error?.code).toBe('GW_ERR_ADMIN_CROSS_ORIGIN');
    expect(await latestAudit()).toMatchObject({ action: 'config.rollback', outcome: 'denied' });
    const fetchMetadata = await send('/keys', '{"name":"csrf"}', { 'sec-fetch-site': 'cross-site' });
    expect(fetchMetadata.status).toBe(403);
    const nullOrigin = await send('/keys', '{"name":"csrf"}', { origin: 'null' });
    expect(nullOrigin.status).toBe(403);
    expect(await revisions()).toBe(before);
    expect((await harness.admin('GET', '/keys')).body.data).toEqual([]);

    const sameOrigin = await send('/keys', '{"name":"ui"}', { origin: harness.adminUrl });
    expect(sameOrigin.status).toBe(201);
  });

  it('takes only JSON bodies, so a form or text/plain "simple request" cannot carry a write', async () => {
    const before = await revisions();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const refused = await send('/config/rollback', 'revision=1', { 'content-type': type });
      expect(refused.status, type).toBe(415);
      expect(refused.body?.error?.code).toBe('GW_ERR_ADMIN_UNSUPPORTED_MEDIA_TYPE');
    }
    expect(await revisions()).toBe(before);
  });
});
