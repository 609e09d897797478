import type { UpstreamReply } from '../../routing/upstream-reply.js';
import type { ClientOutput } from './client-output.js';

/**
 * Bytes a same-dialect relay passes on, up to the upstream's error event, which ends the stream: from then on
 * the client may leave (the SDKs do, at once) without having hung up, and the relay stops reading the upstream
 * instead of waiting for its close. The relay's catch then keeps the upstream's error, not the stop's.
 */
export function finalAfterError(
  bytes: Buffer | undefined,
  tap: { upstreamError: string | undefined },
  reply: UpstreamReply,
  out: ClientOutput,
): Buffer | undefined {
  if (tap.upstreamError !== undefined) {
    out.exchange.finalEventSent = true;
    reply.body.destroy();
  }
  return bytes;
}
