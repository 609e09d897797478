import type { ServerResponse } from 'node:http';
import { sleep, sse } from './fake-server.js';

/** One SSE frame: an optional `event:` name and its data (JSON-encoded unless it is already a string). */
export interface SseFrame {
  event?: string;
  data: unknown;
}

/**
 * What goes wrong part-way through a stream. `after` counts the frames already sent; a fault whose `after` is
 * past the end of the script never fires, so the stream completes normally.
 */
export type StreamFault =
  /** Stop sending and keep the connection open. */
  | { kind: 'stall'; after: number }
  /** Destroy the connection. */
  | { kind: 'break'; after: number }
  /**
   * Send one last frame (a provider's in-band error) and end the response cleanly; `endDelayMs` later when set,
   * as the end reaches a client over a real network in a read of its own after the error event.
   */
  | { kind: 'inject'; after: number; frame: SseFrame; endDelayMs?: number };

export interface PlaybackOptions {
  fault?: StreamFault;
  /** Delay between frames. */
  frameDelayMs?: number;
  /** A frame sent after the whole script, e.g. OpenAI's `[DONE]`. */
  trailer?: SseFrame;
}

/** Writes a scripted SSE stream (the caller has written the head), applying at most one fault. */
export async function playSse(res: ServerResponse, frames: SseFrame[], options: PlaybackOptions = {}): Promise<void> {
  const { fault } = options;
  let sent = 0;
  for (const frame of frames) {
    if (fault && sent >= fault.after) return applyFault(res, fault);
    sse(res, frame.data, frame.event);
    sent++;
    if (options.frameDelayMs) await sleep(options.frameDelayMs);
    if (res.destroyed) return;
  }
  if (options.trailer) sse(res, options.trailer.data, options.trailer.event);
  res.end();
}

async function applyFault(res: ServerResponse, fault: StreamFault): Promise<void> {
  if (fault.kind === 'stall') return;
  if (fault.kind === 'inject') {
    sse(res, fault.frame.data, fault.frame.event);
    if (fault.endDelayMs) await sleep(fault.endDelayMs);
    res.end();
    return;
  }
  // Let what was written reach the client first, then cut the connection mid-stream.
  await new Promise<void>((resolve) => res.write('', () => resolve()));
  await sleep(10);
  res.socket?.destroy();
}
