/** What /metrics reads of the span queue: spans exported, and spans lost (queue full, export failed). */
export interface SpanExportCounts {
  readonly exported: number;
  readonly dropped: number;
}

/**
 * Counts the span queue's outcomes for `amg_trace_spans_*_total`, and notices when exports work again after
 * failing (`onRecovered`), so the log can say the collector is back instead of leaving the last failure as the
 * final word.
 */
export class SpanExportStats implements SpanExportCounts {
  exported = 0;
  dropped = 0;
  onRecovered: (() => void) | undefined;
  private failing = false;

  batchExported(spans: number): void {
    this.exported += spans;
    if (!this.failing) return;
    this.failing = false;
    this.onRecovered?.();
  }

  batchFailed(spans: number): void {
    this.dropped += spans;
    this.failing = true;
  }

  /** A span the queue had no room for. */
  droppedFromQueue(): void {
    this.dropped++;
  }
}
