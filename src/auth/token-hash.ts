import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Tokens are stored and compared only as SHA-256 hex digests. One-shot `hash`, not a Hash object: every
 * request's token is hashed, and the object is garbage at once.
 */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/** A new random token: a readable prefix plus 256 bits of base64url entropy. */
export function generateToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

const BEARER = 'bearer';
const BEARER_SCHEME = /^bearer/i;

/** Extracts the token from "Authorization: Bearer <token>" (scheme case-insensitive). */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  // The scheme is matched in place (its own lower-cased copy was two strings per request).
  if (header.indexOf(' ') !== BEARER.length || !BEARER_SCHEME.test(header)) return undefined;
  const space = BEARER.length;
  const token = header.slice(space + 1).trim();
  return token || undefined;
}
