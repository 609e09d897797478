import { createHash } from 'node:crypto';

/** The `/healthz` header naming, by a hash, the store a gateway uses. */
export const STORE_TAG_HEADER = 'x-amg-store';

/**
 * A short hash of the store's file path: enough for the local CLI to tell whether the gateway answering on the
 * configured port uses the store it was about to open, without telling anyone who can reach `/healthz` the path.
 */
export function storeTag(file: string): string {
  return createHash('sha256').update(file).digest('hex').slice(0, 16);
}
