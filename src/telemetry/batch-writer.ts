import type { RequestRecord } from './request-record.js';

export interface RecordSink {
  insertRequests(records: readonly RequestRecord[]): Promise<void>;
}

export interface BatchWriterOptions {
  flushIntervalMs: number;
  batchSize: number;
  /** Records kept in memory while the store is slow or down; beyond this the oldest are dropped (and counted). */
  maxBuffered?: number;
  onError?: (error: unknown) => void;
  /** After each batch written. */
  onWritten?: () => void;
}

/**
 * Collects request records and hands them to the store in batches, off the request path. `add` is a push
 * onto an array; the write happens on a timer (or when a batch fills) and never delays a response.
 */
export class BatchWriter {
  private buffer: RequestRecord[] = [];
  private inFlight: Promise<void> | undefined;
  /** Records in the write under way: still waiting for the store until it succeeds. */
  private writing = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  dropped = 0;
  written = 0;
  private readonly maxBuffered: number;

  constructor(
    private readonly sink: RecordSink,
    private readonly options: BatchWriterOptions,
  ) {
    this.maxBuffered = options.maxBuffered ?? 100_000;
  }

  add(record: RequestRecord): void {
    this.buffer.push(record);
    if (this.buffer.length > this.maxBuffered) {
      const excess = this.buffer.length - this.maxBuffered;
      this.buffer.splice(0, excess);
      this.dropped += excess;
    }
    if (this.buffer.length >= this.options.batchSize && !this.inFlight) void this.flush();
    else this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Writes everything buffered so far; resolves when it is in the store. */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.writing = batch.length;
    this.inFlight = this.sink
      .insertRequests(batch)
      .then(() => {
        this.writing = 0;
        this.written += batch.length;
        this.options.onWritten?.();
      })
      .catch((error: unknown) => {
        // Keep the batch for the next flush rather than losing it; the cap above bounds memory.
        this.writing = 0;
        this.buffer = batch.concat(this.buffer);
        this.options.onError?.(error);
      })
      .finally(() => {
        this.inFlight = undefined;
        if (this.buffer.length > 0) this.schedule();
      });
    await this.inFlight;
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    if (this.buffer.length > 0) await this.flush();
  }

  /** Records not yet in the store: buffered, and in the write under way. */
  get pending(): number {
    return this.buffer.length + this.writing;
  }
}
