import { errors } from '../../errors/codes.js';
import type { GatewayError } from '../../errors/gateway-error.js';
import { looksLikeJson, notAnApiError } from '../../routing/non-api-error-body.js';
import { readUpstreamBody, type UpstreamReply } from '../../routing/upstream-reply.js';
import type { UpstreamCodec } from '../../translate/contract.js';

/**
 * An upstream error the client must see (a final 4xx), re-expressed in the client's dialect: same status and
 * message, the client's error type (sendError adapts a status the dialect does not have, e.g. 529).
 */
export async function translatedUpstreamError(reply: UpstreamReply, upstream: UpstreamCodec): Promise<GatewayError> {
  const body = (await readUpstreamBody(reply)).toString('utf8');
  const info = upstream.decodeError(reply.status, body, reply.headers);
  const message = looksLikeJson(body) ? info.message : notAnApiError(reply.status, reply.headers, body);
  const retryAfter = reply.headers['retry-after'];
  return errors.upstreamRejected(reply.status, info.kind, message, {
    headers: typeof retryAfter === 'string' ? { 'retry-after': retryAfter } : undefined,
    upstreamCode: info.code,
  });
}
