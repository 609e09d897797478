import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProviderConfig } from '../../config/schema.js';
import type { ProviderContext, RequestAuthorizer } from '../provider-descriptor.js';
import { bearerAuthorizer, redactedTokenCache } from './bearer-authorizer.js';
import { requestToken, TokenEndpointError } from './token-endpoint.js';

export interface ServiceAccount {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
}

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const ASSERTION_LIFETIME_S = 3600;

/** The service account of a vertex provider: its JSON in the config, else the file it names. */
export function serviceAccountOf(config: ProviderConfig, baseDir: string): ServiceAccount | undefined {
  const vertex = config.vertex;
  let text = vertex?.service_account_json;
  if (!text && vertex?.service_account_file) {
    try {
      text = readFileSync(resolve(baseDir, vertex.service_account_file), 'utf8');
    } catch {
      return undefined;
    }
  }
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<ServiceAccount>;
    if (typeof parsed.client_email !== 'string' || typeof parsed.private_key !== 'string') return undefined;
    return parsed as ServiceAccount;
  } catch {
    return undefined;
  }
}

/**
 * Google's OAuth 2.0 JWT bearer flow for a service account: an RS256 assertion signed with its private key
 * (jose, about 0.4 ms) exchanged at the token endpoint for an access token, which is cached and refreshed
 * before it expires, so signing happens about once an hour, not per request.
 */
export function serviceAccountAuthorizer(
  account: ServiceAccount,
  config: ProviderConfig,
  context: ProviderContext,
): RequestAuthorizer {
  const url = new URL(config.vertex?.token_url ?? account.token_uri ?? GOOGLE_TOKEN_URL);
  const refused =
    url.protocol !== 'https:' && !config.allow_private_network
      ? new TokenEndpointError(`the token endpoint ${url.origin} is not https; allow_private_network permits that`)
      : undefined;
  const pool = context.pool(url.origin);
  // jose is loaded only by a gateway with a Vertex service account.
  const jose = import('jose');
  const key = jose.then(({ importPKCS8 }) => importPKCS8(account.private_key, 'RS256'));
  // A key that does not parse fails each token fetch with its error, not the process.
  key.catch(() => undefined);
  const fetchToken = async () => {
    if (refused) throw refused;
    const now = Math.floor(context.now() / 1000);
    const { SignJWT } = await jose;
    const assertion = await new SignJWT({ scope: SCOPE })
      .setProtectedHeader({
        alg: 'RS256',
        typ: 'JWT',
        ...(account.private_key_id ? { kid: account.private_key_id } : {}),
      })
      .setIssuer(account.client_email)
      .setSubject(account.client_email)
      .setAudience(url.href)
      .setIssuedAt(now)
      .setExpirationTime(now + ASSERTION_LIFETIME_S)
      .sign(await key);
    return requestToken(
      pool,
      url,
      { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion },
      context.now,
    );
  };
  return bearerAuthorizer(redactedTokenCache(fetchToken, context));
}
