import { EventEmitter } from 'node:events';

export type CancelReason = 'client-gone' | 'deadline' | 'shutdown';

const MESSAGES: Record<CancelReason, string> = {
  'client-gone': 'the client closed the connection',
  deadline: "the request reached the gateway's total time limit",
  shutdown: 'the gateway is shutting down',
};

/**
 * What an upstream request cancelled by the gateway fails with. undici throws the signal's `reason` as it is,
 * so it carries undici's own abort code: routing then classifies the attempt as cancelled, not as a
 * connection failure of the target.
 */
export class RequestCancelledError extends Error {
  readonly code = 'UND_ERR_ABORTED';

  constructor(readonly cancelReason: CancelReason) {
    super(MESSAGES[cancelReason]);
    this.name = 'AbortError';
  }
}

/**
 * Cancels a request's upstream work. undici accepts an EventEmitter as an abort signal, which is cheaper than
 * an AbortController per request.
 */
export class CancelSignal extends EventEmitter {
  aborted = false;
  /** Read by undici, which rejects the aborted request with it. */
  reason: RequestCancelledError | undefined;

  /** Why the request was cancelled, once it was. */
  get cancelReason(): CancelReason | undefined {
    return this.reason?.cancelReason;
  }

  cancel(reason: CancelReason): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = new RequestCancelledError(reason);
    this.emit('abort');
  }
}
