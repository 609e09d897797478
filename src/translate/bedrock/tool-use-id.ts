import { createHash } from 'node:crypto';

/**
 * Converse takes a toolUseId of 1 to 64 characters from [a-zA-Z0-9_-], while a conversation may carry ids that
 * other providers minted: Kimi's `functions.Bash:0`, or a Gemini call's id, which carries the call's thought
 * signature (translate/gemini/tool-call-id.ts) and runs to hundreds of characters. Other characters become
 * `_`; an id still too long keeps its first characters and ends in a digest of the whole id, so distinct ids
 * stay distinct. The rewrite is deterministic, so a call and the result that names it, rewritten apart, still
 * match; ids Converse takes are kept.
 */

const MAX_LENGTH = 64;
const OUTSIDE_PATTERN = /[^a-zA-Z0-9_-]/g;
/** 22 base64url characters: 132 bits of SHA-256. */
const DIGEST_LENGTH = 22;

export function bedrockToolUseId(id: string): string {
  const safe = id.replace(OUTSIDE_PATTERN, '_') || '_';
  if (safe.length <= MAX_LENGTH) return safe;
  const digest = createHash('sha256').update(id).digest('base64url').slice(0, DIGEST_LENGTH);
  return `${safe.slice(0, MAX_LENGTH - DIGEST_LENGTH - 1)}_${digest}`;
}
