import type { UpstreamReply } from '../../routing/upstream-reply.js';
import type { ClientOutput } from './client-output.js';

/**
 * How one request is sent to one target and how the answer goes back to the client. An entry point builds a
 * plan per target, because a fallback target may speak another dialect than the first.
 */
export interface UpstreamPlan {
  /** Endpoint path under the provider's base path, e.g. "/chat/completions". */
  path: string;
  body: string | Buffer;
  /**
   * What of a 2xx answer is read within the attempt, before any byte goes to the client: the whole body of an
   * answer relayed whole, the first event of a stream (`first-message` for the AWS binary event stream). A failure
   * by then can still be retried or fallen back from.
   */
  readAhead?: 'whole' | 'first-event' | 'first-message';
  /** A failure the upstream's dialect reports inside a 2xx answer (see UpstreamReply.failedAnswer). */
  failedAnswer?: ((data: Buffer | string) => string | undefined) | undefined;
  /** Headers added to the provider's own for this request (e.g. a passed-through anthropic-beta). */
  extraHeaders?: Record<string, string> | undefined;
  /** Sends a successful upstream reply to the client; undefined when it was sent at once (no promise made). */
  respond(reply: UpstreamReply, out: ClientOutput): Promise<void> | undefined;
  /** Sends an upstream error that is final (not retried), in the client's dialect. */
  respondError(reply: UpstreamReply, out: ClientOutput): Promise<void> | undefined;
}
