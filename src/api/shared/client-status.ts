import type { ClientDialect } from './client-dialect.js';

/**
 * The HTTP status a client of this dialect gets for an error of this status. 529 is Anthropic's own
 * "overloaded" status, which OpenAI clients do not know; they get 503, which OpenAI answers for the same
 * condition and which their SDKs retry.
 */
export function statusForDialect(status: number, dialect: ClientDialect): number {
  return status === 529 && dialect !== 'anthropic' ? 503 : status;
}
