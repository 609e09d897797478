import { errors } from '../../errors/codes.js';
import type { GatewayError } from '../../errors/gateway-error.js';
import { readUpstreamBody, type UpstreamReply } from '../../routing/upstream-reply.js';
import type { UpstreamCodec } from '../../translate/contract.js';

/**
 * An upstream error the client must see (a final 4xx), re-expressed in the client's dialect: same status and
 * message, the client's error type (sendError adapts a status the dialect does not have, e.g. 529).
 */
export async function translatedUpstreamError(reply: UpstreamReply, upstream: UpstreamCodec): Promise<GatewayError> {
  const body = (await readUpstreamBody(reply)).toString('utf8');
  const info = upstream.decodeError(reply.status, body);
  const message = looksLikeJson(body) ? info.message : notAnApiError(reply.status, reply.headers['content-type'], body);
  const retryAfter = reply.headers['retry-after'];
  return errors.upstreamRejected(reply.status, info.kind, message, {
    headers: typeof retryAfter === 'string' ? { 'retry-after': retryAfter } : undefined,
    upstreamCode: info.code,
  });
}

function looksLikeJson(body: string): boolean {
  const first = body.trimStart()[0];
  return first === '{' || first === '[' || first === undefined;
}

/**
 * An error body that is no API's error (an HTML page from a proxy, a load balancer's plain text): said so, with
 * its text, tags dropped, and for a 404 the usual cause, a wrong base_url, region or model id (each cloud
 * answers an unknown path with such a page), so the client does not get raw markup as its error message.
 */
function notAnApiError(status: number, contentType: string | string[] | undefined, body: string): string {
  const type = (Array.isArray(contentType) ? contentType[0] : contentType)?.split(';')[0]?.trim() || 'non-JSON';
  const text = body
    .slice(0, 2_000)
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  const hint = status === 404 ? " (check the provider's base_url, region and the model id)" : '';
  return `the upstream answered ${status} with a ${type} body, not an API error${hint}${text ? `: ${text}` : ''}`;
}
