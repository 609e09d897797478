import { createServer, type Server } from 'node:http';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestToken } from './token-endpoint.js';

/** What the token endpoint answers next: a status and a body. */
let next = { status: 200, body: '' };
let server: Server;
let url: URL;
let pool: Pool;

describe('requestToken', () => {
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(next.status, { 'content-type': 'application/json' });
        res.end(next.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}/token`);
    pool = new Pool(url.origin);
  });
  afterAll(async () => {
    await pool.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const fetchToken = () => requestToken(pool, url, { grant_type: 'client_credentials' }, () => 1_000);

  it('reads the token and its lifetime, a string expires_in as Entra v1 sends it included', async () => {
    next = { status: 200, body: JSON.stringify({ access_token: 'tok', expires_in: '3599', token_type: 'Bearer' }) };
    expect(await fetchToken()).toEqual({ token: 'tok', expiresAt: 1_000 + 3_599_000 });
  });

  it('names the OAuth error of a refusal, never quoting the request', async () => {
    next = { status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: 'Invalid JWT\nmore' }) };
    await expect(fetchToken()).rejects.toThrow(
      `the token endpoint ${url.origin} answered 400: invalid_grant: Invalid JWT`,
    );
  });

  it('says a 2xx that is not a token (a proxy page, bad JSON) came without one, rather than only "answered 200"', async () => {
    for (const body of ['<html>Sign in</html>', '{"access_tok', '{}']) {
      next = { status: 200, body };
      await expect(fetchToken()).rejects.toThrow(
        new RegExp(`^the token endpoint ${url.origin} answered 200 without an access token$`),
      );
    }
  });
});
