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
   * True when the answer is relayed whole rather than streamed: its body is then read within the attempt, so
   * a body that breaks before the client got a byte is a failure the router can retry or fall back from.
   */
  readAhead?: boolean;
  /** Headers added to the provider's own for this request (e.g. a passed-through anthropic-beta). */
  extraHeaders?: Record<string, string> | undefined;
  /** Sends a successful upstream reply to the client. */
  respond(reply: UpstreamReply, out: ClientOutput): Promise<void>;
  /** Sends an upstream error that is final (not retried), in the client's dialect. */
  respondError(reply: UpstreamReply, out: ClientOutput): Promise<void>;
}
