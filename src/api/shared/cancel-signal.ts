import { EventEmitter } from 'node:events';

export type CancelReason = 'client-gone' | 'deadline';

/**
 * Cancels a request's upstream work. undici accepts an EventEmitter as an abort signal, which is cheaper than
 * an AbortController per request.
 */
export class CancelSignal extends EventEmitter {
  aborted = false;
  reason: CancelReason | undefined;

  cancel(reason: CancelReason): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}
