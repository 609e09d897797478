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

type AbortListener = () => void;

/**
 * Cancels a request's upstream work. undici accepts any object with `on` / `once` / `removeListener` as an
 * abort signal, which is cheaper than an AbortController per request; so is a listener list against an
 * EventEmitter, whose per-instance event table and `once` wrappers (undici's listener, a retry's wait) were
 * ~0.4 kB of every request. `abort` is the only event, and it fires at most once.
 */
export class CancelSignal {
  aborted = false;
  /** When the request reaches its total time limit (epoch ms), while a DeadlineSweeper watches it. */
  deadline = Number.POSITIVE_INFINITY;
  /** Its place in the DeadlineSweeper's list (SlotList). */
  slot = -1;
  /** Read by undici, which rejects the aborted request with it. */
  reason: RequestCancelledError | undefined;
  private listeners: AbortListener[] = [];

  /** Why the request was cancelled, once it was. */
  get cancelReason(): CancelReason | undefined {
    return this.reason?.cancelReason;
  }

  on(_event: 'abort', listener: AbortListener): this {
    this.listeners.push(listener);
    return this;
  }

  /** The same as `on`: the event fires once, and every listener is dropped when it does. */
  once(event: 'abort', listener: AbortListener): this {
    return this.on(event, listener);
  }

  off(_event: 'abort', listener: AbortListener): this {
    const listeners = this.listeners;
    const at = listeners.lastIndexOf(listener);
    if (at === -1) return this;
    for (let i = at; i < listeners.length - 1; i++) listeners[i] = listeners[i + 1] as AbortListener;
    listeners.pop();
    return this;
  }

  removeListener(event: 'abort', listener: AbortListener): this {
    return this.off(event, listener);
  }

  cancel(reason: CancelReason): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = new RequestCancelledError(reason);
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}
