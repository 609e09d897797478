import type { RequestAuthorizer } from '../provider-descriptor.js';
import type { TokenCache } from './token-cache.js';

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
