import { createHash } from 'node:crypto';
import { errors } from '../../errors/codes.js';

/** Longest session id a client may send for sticky routing. */
export const MAX_SESSION_ID = 256;

/**
 * The key sticky routing remembers for a client's session id: a fixed-size digest, so the memory a session
 * takes does not depend on what the client sends (a 15 KB id per request once grew RSS by 480 MB). An id
 * longer than MAX_SESSION_ID is refused.
 */
export function sessionKey(header: string, id: string): string {
  if (id.length > MAX_SESSION_ID) {
    throw errors.invalidBody(`the ${header} header is longer than ${MAX_SESSION_ID} characters`, header);
  }
  return createHash('sha256').update(id).digest('base64url').slice(0, 22);
}
