/**
 * How long a Google API asked us to wait, in milliseconds: the `retryDelay` of a `google.rpc.RetryInfo` entry in
 * the error's `details`. Gemini (the Gemini API and Vertex AI) says when to retry a 429 there, never in a
 * `retry-after` header, so without this its quota errors neither cool the target for as long as Google asked
 * nor tell the client when to come back. Undefined when the body has no readable RetryInfo.
 */
export function googleRetryDelayMs(body: Buffer | string): number | undefined {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  // Most error bodies are not Google's: skip the parse unless the type name is there at all.
  if (!text.includes('google.rpc.RetryInfo')) return undefined;
  let details: unknown;
  try {
    details = (JSON.parse(text) as { error?: { details?: unknown } }).error?.details;
  } catch {
    return undefined;
  }
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    const entry = detail as { '@type'?: unknown; retryDelay?: unknown };
    if (typeof entry?.['@type'] !== 'string' || !entry['@type'].endsWith('/google.rpc.RetryInfo')) continue;
    const ms = durationMs(entry.retryDelay);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

/** A protobuf Duration in its JSON form ("58s", "1.5s", "0.250s"), or as `{ seconds, nanos }`. */
function durationMs(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
    return match ? Math.round(Number(match[1]) * 1000) : undefined;
  }
  if (value !== null && typeof value === 'object') {
    const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
    const whole = Number(seconds ?? 0);
    const fraction = Number(nanos ?? 0);
    if (Number.isFinite(whole) && Number.isFinite(fraction) && whole >= 0 && fraction >= 0) {
      return Math.round(whole * 1000 + fraction / 1e6);
    }
  }
  return undefined;
}
