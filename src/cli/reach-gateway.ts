/**
 * `fetch` to a running gateway, with a connection failure said in words: undici's own error is only
 * "fetch failed", which names neither the address tried nor what to do about it.
 */
export async function fetchGateway(url: string | URL, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new Error(unreachable(new URL(url), error));
  }
}

function unreachable(url: URL, error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const why = String(cause?.code ?? cause?.message ?? (error as Error).message);
  const what =
    url.port === '0'
      ? 'the config listens on port 0 (a port picked at start): pass --url with the address the gateway printed'
      : 'is the gateway running there? --url (or AMG_URL) names another address';
  return `cannot reach the gateway at ${url.origin} (${why}); ${what}`;
}
