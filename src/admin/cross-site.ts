import type { FastifyRequest } from 'fastify';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined; // "null" (sandboxed frames, file:, some redirects) or garbage
  }
}

/**
 * Why a request that may change something came from a page on another site; undefined when it did not. Admin
 * credentials are bearer tokens, which a browser never attaches by itself, but a write must not depend on
 * that: it comes from the admin API's own origin (the Admin UI), or from no browser at all (CLI, scripts).
 * `x-forwarded-host` counts as the admin API's host too: a page on another site cannot send that header
 * without a CORS preflight, which this API never grants.
 */
export function crossSiteReason(request: FastifyRequest): string | undefined {
  if (SAFE_METHODS.has(request.method)) return undefined;
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return `sec-fetch-site is ${site}`;
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  const forwarded = request.headers['x-forwarded-host'];
  const hosts = [request.headers.host, ...(typeof forwarded === 'string' ? forwarded.split(',') : [])]
    .filter((host): host is string => host !== undefined)
    .map((host) => host.trim().toLowerCase());
  const from = hostOf(origin);
  return from !== undefined && hosts.includes(from) ? undefined : `origin ${origin} is another site`;
}
