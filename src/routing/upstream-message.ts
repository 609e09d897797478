import { withoutQuotedInput } from './quoted-input.js';

/**
 * The readable part of an upstream error body: its message when it is JSON, else the start of the text; a long
 * quote of the request in it is left out (see withoutQuotedInput).
 */
export function upstreamMessage(body: Buffer | string): string {
  if (body.length === 0) return '';
  const text = typeof body === 'string' ? body : body.toString('utf8');
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (typeof message === 'string') return withoutQuotedInput(message).slice(0, 300);
  } catch {
    // Not JSON: use the raw text.
  }
  return withoutQuotedInput(text.slice(0, 2_000)).slice(0, 200).replace(/\s+/g, ' ').trim();
}
