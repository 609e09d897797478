import type { IncomingHttpHeaders } from 'node:http';
import { bearerToken } from '../../auth/token-hash.js';
import type { ClientDialect } from './client-dialect.js';

/** The gateway token a client presented: Bearer everywhere, and also `x-api-key` for Anthropic clients. */
export function clientToken(headers: IncomingHttpHeaders, dialect: ClientDialect): string | undefined {
  const bearer = bearerToken(headers.authorization);
  if (bearer || dialect !== 'anthropic') return bearer;
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey ? apiKey : undefined;
}
