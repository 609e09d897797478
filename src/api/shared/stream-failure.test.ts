import { describe, expect, it } from 'vitest';
import { CancelSignal } from '../../upstream/cancel-signal.js';
import type { ClientOutput } from './client-output.js';
import type { Exchange } from './exchange.js';
import { streamFailureMessage } from './stream-failure.js';

/** The part of a response's exchange that streamFailureMessage reads and writes. */
function outputCancelledBy(reason: 'deadline' | 'shutdown' | 'client-gone'): {
  out: ClientOutput;
  signal: CancelSignal;
} {
  const signal = new CancelSignal();
  signal.cancel(reason);
  const exchange = {
    cancel: signal,
    error: null,
    cutBy: undefined,
    snapshot: { config: { routing: { timeout: { total_ms: 1_500 } }, server: { shutdown_grace_ms: 2_000 } } },
  } as unknown as Exchange;
  return { out: { exchange } as ClientOutput, signal };
}

/** An upstream connection reset as undici reports it on a response body. */
function upstreamReset(): Error {
  return Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
}

describe('streamFailureMessage', () => {
  it("blames the upstream for a body that broke by itself, though the deadline passed before the relay's catch ran", () => {
    const { out } = outputCancelledBy('deadline');
    const message = streamFailureMessage(out, upstreamReset());
    expect(message).toMatch(/^upstream stream failed after it started: /);
    expect(out.exchange.error).toBeNull();
    expect(out.exchange.cutBy).toBeUndefined();
  });

  it("records the total time limit when the deadline's cancel is what broke the body", () => {
    const { out, signal } = outputCancelledBy('deadline');
    const message = streamFailureMessage(out, signal.reason);
    expect(out.exchange.error?.code).toBe('GW_ERR_UPSTREAM_TOTAL_TIMEOUT');
    expect(message).toMatch(/total_ms = 1500 ms/);
    expect(out.exchange.cutBy).toBe('deadline');
  });

  it('notes a client that left as the cause when its cancel broke the body', () => {
    const { out, signal } = outputCancelledBy('client-gone');
    streamFailureMessage(out, signal.reason);
    expect(out.exchange.cutBy).toBe('client-gone');
    expect(out.exchange.error).toBeNull();
  });
});
