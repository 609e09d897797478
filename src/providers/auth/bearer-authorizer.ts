import type { ProviderContext, RequestAuthorizer } from '../provider-descriptor.js';
import type { AccessToken } from './token-cache.js';
import { TokenCache } from './token-cache.js';

const BEARER = 'Bearer ';

/**
 * Sends the cached access token as `authorization: Bearer …` (Entra, Google service accounts), and tells the
 * sender whether a request whose token the upstream refused is worth one more try with a fresh token.
 */
export function bearerAuthorizer(cache: TokenCache): RequestAuthorizer {
  const authorize: RequestAuthorizer = async (request, wait) => ({
    ...request.headers,
    authorization: BEARER + (await cache.token(wait)),
  });
  authorize.refused = (headers) => {
    const sent = headers.authorization;
    return sent?.startsWith(BEARER) === true && cache.refused(sent.slice(BEARER.length));
  };
  return authorize;
}

/**
 * A token cache whose tokens are redacted from upstream answers: each fetched token (and the one before it,
 * still on requests in flight) is registered as a travelling secret, once per fetch, never per request.
 */
export function redactedTokenCache(fetchToken: () => Promise<AccessToken>, context: ProviderContext): TokenCache {
  let fetches = 0;
  return new TokenCache(async () => {
    const fetched = await fetchToken();
    context.travellingSecret(`access_token${fetches++ % 2}`, fetched.token);
    return fetched;
  }, context.now);
}
