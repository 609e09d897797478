/**
 * The URL of an admin API path under the gateway URL given with --url, keeping any path prefix it has
 * (a gateway behind a reverse proxy at https://host/gateway/), with or without a trailing slash.
 */
export function adminApiUrl(base: string, path: string): URL {
  const root = base.endsWith('/') ? base : `${base}/`;
  return new URL(`admin/api${path}`, root);
}
