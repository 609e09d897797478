import { GatewayError } from '../../errors/gateway-error.js';
import { readUpstreamBody, type UpstreamReply } from '../../routing/upstream-reply.js';
import type { UpstreamCodec } from '../../translate/contract.js';
import type { ClientDialect } from './client-dialect.js';

/**
 * An upstream error the client must see (a final 4xx), re-expressed in the client's dialect: same status and
 * message, the client's error type. Anthropic's 529 has no OpenAI equivalent, so OpenAI clients get 503.
 */
export async function translatedUpstreamError(
  reply: UpstreamReply,
  upstream: UpstreamCodec,
  dialect: ClientDialect,
): Promise<GatewayError> {
  const body = (await readUpstreamBody(reply)).toString('utf8');
  const info = upstream.decodeError(reply.status, body);
  const status = reply.status === 529 && dialect !== 'anthropic' ? 503 : reply.status;
  const retryAfter = reply.headers['retry-after'];
  return new GatewayError('GW_ERR_UPSTREAM_REJECTED', status, info.kind, info.message, {
    headers: typeof retryAfter === 'string' ? { 'retry-after': retryAfter } : undefined,
  });
}
