import { describe, expect, it } from 'vitest';
import { classifyError, describeError } from '../../routing/classify.js';
import { CancelSignal } from './cancel-signal.js';

describe('CancelSignal', () => {
  it("gives undici a reason that routing classifies as cancelled, never as the target's failure", () => {
    const signal = new CancelSignal();
    signal.cancel('client-gone');
    expect(signal.cancelReason).toBe('client-gone');
    expect(classifyError(signal.reason)).toBe('cancelled');
    expect(describeError(signal.reason)).toBe('cancelled: the client closed the connection');
  });

  it('keeps the first reason', () => {
    const signal = new CancelSignal();
    signal.cancel('deadline');
    signal.cancel('client-gone');
    expect(signal.cancelReason).toBe('deadline');
  });
});
