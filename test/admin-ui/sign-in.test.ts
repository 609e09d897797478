import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, GatewayHarness } from '../support/gateway-harness.js';

/** A browser-like caller: keeps the session cookie, sends Origin like a page on the admin origin does. */
async function call(
  harness: GatewayHarness,
  method: string,
  path: string,
  options: { body?: unknown; cookie?: string; origin?: string | null; headers?: Record<string, string> } = {},
) {
  const origin = options.origin === undefined ? harness.adminUrl : options.origin;
  const response = await fetch(`${harness.adminUrl}/admin/api${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(origin ? { origin } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json().catch(() => undefined)) as any,
  };
}

function cookieOf(headers: Headers): string {
  const set = headers.get('set-cookie') ?? '';
  return set.split(';')[0] ?? '';
}

describe('browser sign-in and sessions', () => {
  let harness: GatewayHarness;
  beforeEach(async () => {
    harness = await GatewayHarness.start({ config: {} });
  });
  afterEach(async () => {
    await harness.close();
  });

  it('signs in with an admin token into an HttpOnly SameSite=Strict session that works until signed out', async () => {
    const signIn = await call(harness, 'POST', '/session', { body: { token: ADMIN_TOKEN } });
    expect(signIn.status).toBe(201);
    const setCookie = signIn.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(
      /^amg_session=amg_session_[\w-]+; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
    expect(setCookie).not.toContain('Secure'); // plain http, no trusted proxy
    const cookie = cookieOf(signIn.headers);

    const me = await call(harness, 'GET', '/session', { cookie });
    expect(me.body).toMatchObject({ name: 'bootstrap', role: 'admin', session: { kind: 'token' } });
    expect(me.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(me.headers.get('x-content-type-options')).toBe('nosniff');
    expect(me.headers.get('referrer-policy')).toBe('no-referrer');

    const created = await call(harness, 'POST', '/keys', { body: { name: 'from-browser' }, cookie });
    expect(created.status).toBe(201);

    const out = await call(harness, 'DELETE', '/session', { cookie });
    expect(out.body).toEqual({ signed_out: true });
    expect((await call(harness, 'GET', '/keys', { cookie })).status).toBe(401);

    const audit = await harness.admin('GET', '/audit?limit=50');
    const actions = audit.body.data.map((r: { action: string; outcome: string }) => `${r.action}:${r.outcome}`);
    expect(actions).toEqual(expect.arrayContaining(['session.create:ok', 'keys.create:ok', 'session.delete:ok']));
  });

  it('signs in users by password, lets viewers read but not write, and revokes their sessions at once', async () => {
    const created = await harness.admin('POST', '/admin-users', {
      name: 'oncall',
      role: 'viewer',
      password: 'correct horse battery',
    });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('argon2');
    const tooShort = await harness.admin('POST', '/admin-users', { name: 'x', role: 'viewer', password: 'short' });
    expect(tooShort.status).toBe(400);

    const wrong = await call(harness, 'POST', '/session', {
      body: { username: 'oncall', password: 'wrong password!' },
    });
    expect(wrong.status).toBe(401);
    const signIn = await call(harness, 'POST', '/session', {
      body: { username: 'oncall', password: 'correct horse battery' },
    });
    expect(signIn.status).toBe(201);
    const cookie = cookieOf(signIn.headers);

    expect((await call(harness, 'GET', '/keys', { cookie })).status).toBe(200);
    const write = await call(harness, 'POST', '/keys', { body: { name: 'nope' }, cookie });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('GW_ERR_ADMIN_FORBIDDEN');

    const sessions = await harness.admin('GET', '/sessions');
    const mine = sessions.body.data.find((s: { name: string }) => s.name === 'oncall');
    expect(mine).toMatchObject({ role: 'viewer', kind: 'user' });
    expect(JSON.stringify(sessions.body)).not.toContain(cookie.split('=')[1]);
    expect((await harness.admin('DELETE', `/sessions/${mine.id}`)).status).toBe(200);
    expect((await call(harness, 'GET', '/keys', { cookie })).status).toBe(401);
  });

  it('refuses cross-origin and origin-less writes from a browser session, and cross-origin sign-in', async () => {
    const signIn = await call(harness, 'POST', '/session', { body: { token: ADMIN_TOKEN } });
    const cookie = cookieOf(signIn.headers);
    const evil = await call(harness, 'POST', '/keys', {
      body: { name: 'csrf' },
      cookie,
      origin: 'https://evil.example',
    });
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe('GW_ERR_ADMIN_CROSS_ORIGIN');
    const bare = await call(harness, 'POST', '/keys', { body: { name: 'csrf' }, cookie, origin: null });
    expect(bare.status).toBe(403);
    // A forwarded host is not believed without a trusted proxy.
    const forwarded = await call(harness, 'POST', '/keys', {
      body: { name: 'csrf' },
      cookie,
      origin: 'https://evil.example',
      headers: { 'x-forwarded-host': 'evil.example' },
    });
    expect(forwarded.status).toBe(403);
    const login = await call(harness, 'POST', '/session', {
      body: { token: ADMIN_TOKEN },
      origin: 'https://evil.example',
    });
    expect(login.status).toBe(403);
    expect((await harness.admin('GET', '/keys')).body.data.some((k: { name: string }) => k.name === 'csrf')).toBe(
      false,
    );
  });

  it('throttles failed sign-ins per user and per address, with retry-after, and audits them', async () => {
    await harness.admin('POST', '/admin-users', { name: 'target', role: 'admin', password: 'a very long password' });
    for (let i = 0; i < 5; i++) {
      const attempt = await call(harness, 'POST', '/session', {
        body: { username: 'target', password: `guess-${i}-xxxx` },
      });
      expect(attempt.status).toBe(401);
    }
    const blocked = await call(harness, 'POST', '/session', {
      body: { username: 'target', password: 'a very long password' },
    });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another user from the same address still gets through until the address limit (10) is reached.
    expect((await call(harness, 'POST', '/session', { body: { token: ADMIN_TOKEN } })).status).toBe(201);
    for (let i = 0; i < 5; i++) await call(harness, 'POST', '/session', { body: { token: `amg_admin_wrong_${i}` } });
    expect((await call(harness, 'POST', '/session', { body: { token: ADMIN_TOKEN } })).status).toBe(429);

    const audit = await harness.admin('GET', '/audit?limit=100&action=session.create');
    const denied = audit.body.data.filter((r: { outcome: string }) => r.outcome === 'denied');
    expect(denied.length).toBeGreaterThanOrEqual(11);
  });

  it('sets Secure behind a trusted proxy that says https, and not when an untrusted peer says so', async () => {
    const plain = await call(harness, 'POST', '/session', {
      body: { token: ADMIN_TOKEN },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(plain.headers.get('set-cookie')).not.toContain('Secure');
    await harness.close();
    harness = await GatewayHarness.start({ config: { admin_ui: { trusted_proxies: ['127.0.0.1'] } } });
    const proxied = await call(harness, 'POST', '/session', {
      body: { token: ADMIN_TOKEN },
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' },
    });
    expect(proxied.headers.get('set-cookie')).toContain('; Secure');
    const sessions = await harness.admin('GET', '/sessions');
    expect(sessions.body.data[0].origin).toBe('203.0.113.9');
  });
});
