import type { FastifyRequest } from 'fastify';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined; // "null" (sandboxed frames, file:, some redirects) or garbage
  }
}

export interface CrossSiteOptions {
  /** Count `x-forwarded-host` as this API's host: only for requests through a trusted proxy. */
  forwardedHost?: boolean;
  /**
   * The caller is authenticated by a cookie, which a browser attaches by itself: a write must then prove it
   * comes from this origin (Origin or Sec-Fetch-Site), not merely fail to show it comes from elsewhere.
   */
  requireOrigin?: boolean;
}

/**
 * Why a request that may change something came from a page on another site; undefined when it did not. Bearer
 * tokens are never attached by a browser by itself, but a write must not depend on that: it comes from the
 * admin API's own origin (the Admin UI), or from no browser at all (CLI, scripts). Browser sessions
 * (`requireOrigin`) have no such fallback: every write must show it comes from this origin.
 */
export function crossSiteReason(request: FastifyRequest, options: CrossSiteOptions = {}): string | undefined {
  if (SAFE_METHODS.has(request.method)) return undefined;
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return `sec-fetch-site is ${site}`;
  const origin = request.headers.origin;
  if (origin === undefined) {
    if (options.requireOrigin && site !== 'same-origin') return 'a browser session write without Origin';
    return undefined;
  }
  const forwarded = options.forwardedHost ? request.headers['x-forwarded-host'] : undefined;
  const hosts = [request.headers.host, ...(typeof forwarded === 'string' ? forwarded.split(',') : [])]
    .filter((host): host is string => host !== undefined)
    .map((host) => host.trim().toLowerCase());
  const from = hostOf(origin);
  return from !== undefined && hosts.includes(from) ? undefined : `origin ${origin} is another site`;
}
