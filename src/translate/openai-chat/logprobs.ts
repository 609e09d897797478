import type { IrTokenLogprob } from '../ir/types.js';
import type { JsonObject } from './field-readers.js';
import { objectField } from './upstream-message-fields.js';

/**
 * A Chat choice's `logprobs.content` (a completion's tokens, or a chunk's) as IR. Chat gives `bytes` as null
 * where a server leaves them out; the Responses shape needs them, so they are the token's UTF-8 bytes then.
 */
export function logprobsOf(choice: JsonObject): IrTokenLogprob[] | undefined {
  const content = objectField(choice, 'logprobs')?.content;
  if (!Array.isArray(content)) return undefined;
  return content.filter(isEntry).map((entry) => ({
    ...tokenOf(entry),
    top: (Array.isArray(entry.top_logprobs) ? entry.top_logprobs : []).filter(isEntry).map(tokenOf),
  }));
}

interface Entry {
  token: string;
  logprob: number;
  bytes?: unknown;
  top_logprobs?: unknown;
}

function isEntry(value: unknown): value is Entry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return typeof entry.token === 'string' && typeof entry.logprob === 'number';
}

function tokenOf(entry: Entry): { token: string; logprob: number; bytes: number[] } {
  const bytes = Array.isArray(entry.bytes) ? entry.bytes.filter((b): b is number => typeof b === 'number') : undefined;
  return { token: entry.token, logprob: entry.logprob, bytes: bytes ?? [...Buffer.from(entry.token, 'utf8')] };
}
