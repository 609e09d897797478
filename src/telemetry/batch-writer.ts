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
  /**
   * How full the young generation is (0-1; see src/runtime/young-generation.ts). With it, the writer flushes
   * early when a scavenge is near, so that the records waiting for the timer are not copied by it.
   */
  youngGenerationFill?: () => number;
}

/** Records added between two looks at the young generation's fill (each look makes a few small objects). */
const FILL_CHECK_EVERY = 8;

/**
 * The fill at which the records waiting are flushed ahead of the scavenge: V8 scavenges at ~80-100%, and at one
 * connection ~8 records arrive per 4% of an 8 MB semi-space, so the look every 8 records sees 70-74% before it.
 */
const FLUSH_BEFORE_SCAVENGE_AT = 0.7;

/**
 * Collects request records and hands them to the store in batches, off the request path. `add` is a push
 * onto an array; the write happens on a timer (or when a batch fills) and never delays a response.
 *
 * The records waiting for the timer were most of what a scavenge of the main thread's young generation copied
 * at one connection (~190 requests between two scavenges, ~300 between two flushes; issue 14's p99, where a
 * scavenge is the one pause that puts a request past 1 ms by itself). With `youngGenerationFill`, a batch is also
 * flushed when the young generation is nearly full, so the next scavenge finds only the few records added since.
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
  /** Records added since the young generation's fill was last looked at. */
  private sinceFillCheck = 0;
  /** Flushed ahead of the coming scavenge already (reset when the fill is seen under the line again). */
  private flushedThisCycle = false;
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
    else if (this.scavengeIsNear() && !this.inFlight) this.flushNow();
    else this.schedule();
  }

  /**
   * Once per young-generation cycle: the fill stays over the line from the early flush until the scavenge, and
   * flushing again every few records there split the batch into many small ones, each with the writer's fixed
   * work per flush (its CPU at one connection +60%).
   */
  private scavengeIsNear(): boolean {
    const fill = this.options.youngGenerationFill;
    if (!fill || ++this.sinceFillCheck < FILL_CHECK_EVERY) return false;
    this.sinceFillCheck = 0;
    const near = fill() >= FLUSH_BEFORE_SCAVENGE_AT;
    if (!near) this.flushedThisCycle = false;
    if (!near || this.flushedThisCycle) return false;
    this.flushedThisCycle = true;
    return true;
  }

  /** Flushes now, in place of the timer's flush (the next one is a whole interval after this). */
  private flushNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    void this.flush();
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
