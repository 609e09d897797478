import { diag } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import { type ExportResult, ExportResultCode, globalErrorHandler } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanBatchWriter } from './otlp-span-encoder.js';

/** A batch as the exporter sends it: one encoded ExportTraceServiceRequest. */
export interface EncodedBatch {
  readonly bytes: Uint8Array;
  readonly spanCount: number;
}

/** Where batches go (the OTLP/HTTP export delegate); `done` is called once per batch, success or not. */
export interface BatchExporter {
  export(batch: EncodedBatch, done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

export interface QueueLimits {
  /** Spans held at most (waiting to be sent and being written); more are dropped. */
  maxQueueSize: number;
  /** Spans per export at most. */
  maxExportBatchSize: number;
  /** How long the first span of a batch waits for the batch to fill. */
  scheduledDelayMillis: number;
}

/** The smallest batch buffer, in spans, whatever the last batch held. */
const MIN_EXPECTED_SPANS = 64;

/**
 * The SDK's BatchSpanProcessor's batching (a bounded queue, a size and a delay that trigger an export, one
 * export at a time), with each span encoded as OTLP protobuf the moment it ends. The batch processor holds every
 * span object until its batch is sent, a second or so at ratio 1: long enough for V8 to move them (attributes,
 * ids, times) out of the young generation and collect them later at the old generation's price. Here a span dies
 * with its request and its batch is bytes outside the JavaScript heap.
 */
export class EncodingSpanQueue {
  private writer: SpanBatchWriter | undefined;
  private readonly waiting: EncodedBatch[] = [];
  /** Spans waiting, in flight and being written: what `maxQueueSize` bounds. */
  private queued = 0;
  private dropped = 0;
  private sending: Promise<ExportResult> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastBatchSize = MIN_EXPECTED_SPANS;
  private stopped = false;

  constructor(
    private readonly exporter: BatchExporter,
    private readonly resource: Resource,
    private readonly scope: InstrumentationScope,
    private readonly limits: QueueLimits,
  ) {}

  /** Encodes a finished span into the batch being written; exports the batch once it is full. */
  record(span: ReadableSpan): void {
    if (this.stopped) return;
    if (this.queued >= this.limits.maxQueueSize) {
      if (this.dropped++ === 0) diag.debug('maxQueueSize reached, dropping spans');
      return;
    }
    if (this.dropped > 0) {
      diag.warn(`Dropped ${this.dropped} spans because maxQueueSize reached`);
      this.dropped = 0;
    }
    let writer = this.writer;
    if (writer === undefined) {
      const expected = Math.max(MIN_EXPECTED_SPANS, Math.min(this.lastBatchSize, this.limits.maxExportBatchSize));
      writer = new SpanBatchWriter(this.resource, this.scope, expected);
      this.writer = writer;
    }
    writer.add(span);
    this.queued++;
    if (writer.count >= this.limits.maxExportBatchSize) {
      this.seal();
      this.pump();
    } else if (this.timer === undefined && this.sending === undefined) {
      this.timer = setTimeout(() => this.onTimer(), this.limits.scheduledDelayMillis);
      this.timer.unref();
    }
  }

  /** Sends everything held, waiting for each export; rejects with the first export's error, if any failed. */
  async forceFlush(): Promise<void> {
    this.seal();
    let failure: Error | undefined;
    while (this.sending !== undefined || this.waiting.length > 0) {
      this.pump();
      const result = await this.sending;
      if (result && result.code !== ExportResultCode.SUCCESS) {
        failure ??= result.error ?? new Error('span export failed');
      }
    }
    if (failure) throw failure;
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.forceFlush();
    } finally {
      this.stopped = true;
      this.clearTimer();
      await this.exporter.shutdown();
    }
  }

  private onTimer(): void {
    this.timer = undefined;
    this.seal();
    this.pump();
  }

  /** Ends the batch being written: it waits to be sent. */
  private seal(): void {
    this.clearTimer();
    const writer = this.writer;
    if (writer === undefined) return;
    this.writer = undefined;
    this.lastBatchSize = writer.count;
    this.waiting.push({ bytes: writer.finish(), spanCount: writer.count });
  }

  /** Starts the next export unless one is under way. */
  private pump(): void {
    if (this.sending !== undefined) return;
    const batch = this.waiting.shift();
    if (batch === undefined) return;
    // What follows an export runs as a continuation, after `sending` is set, even when the exporter answers
    // synchronously (as it does when it refuses a batch).
    this.sending = new Promise<ExportResult>((resolve) => this.exporter.export(batch, resolve)).then((result) => {
      this.queued -= batch.spanCount;
      this.sending = undefined;
      this.afterExport(result);
      return result;
    });
  }

  private afterExport(result: ExportResult): void {
    if (result.code !== ExportResultCode.SUCCESS) {
      globalErrorHandler(result.error ?? new Error('span export failed'));
    }
    if (this.waiting.length > 0) this.pump();
    else if (this.writer !== undefined && this.timer === undefined && !this.stopped) {
      // Spans recorded while the export ran wait no longer than a batch would have.
      if (this.writer.count >= this.limits.maxExportBatchSize) this.onTimer();
      else {
        this.timer = setTimeout(() => this.onTimer(), this.limits.scheduledDelayMillis);
        this.timer.unref();
      }
    }
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
