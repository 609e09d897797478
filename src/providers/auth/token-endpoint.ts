import type { Pool } from 'undici';
import type { AccessToken } from './token-cache.js';

/** Failures to get a token are connection-like: routing may retry or fall back, as for an unreachable upstream. */
export class TokenEndpointError extends Error {
  readonly code = 'EGATEWAY_TOKEN';
}

const MAX_BODY = 64 * 1024;

/**
 * POSTs a form to an OAuth 2.0 token endpoint (Entra client credentials, Google's JWT bearer grant) and reads
 * `access_token` and `expires_in` from the answer. An error answer is reported by its OAuth `error` code and
 * description, which name the problem (invalid_client, invalid_grant) without quoting the credential.
 */
export async function requestToken(
  pool: Pool,
  url: URL,
  form: Record<string, string>,
  now: () => number,
  timeoutMs = 10_000,
): Promise<AccessToken> {
  const response = await pool.request({
    path: url.pathname + url.search,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const text = (await response.body.text()).slice(0, MAX_BODY);
  let answer: Record<string, unknown> = {};
  try {
    answer = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Reported below as a missing token.
  }
  if (response.statusCode >= 400 || typeof answer.access_token !== 'string') {
    const reason = [answer.error, answer.error_description].filter((part) => typeof part === 'string').join(': ');
    // A 2xx without a token (a proxy's HTML page, a truncated body) is no success: say what was missing.
    const missing = response.statusCode < 400 && !reason ? ' without an access token' : '';
    throw new TokenEndpointError(
      `the token endpoint ${url.origin} answered ${response.statusCode}${missing}${reason ? `: ${reason.split('\n')[0]}` : ''}`,
    );
  }
  const expiresIn = Number(answer.expires_in);
  return {
    token: answer.access_token,
    expiresAt: now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000,
  };
}
