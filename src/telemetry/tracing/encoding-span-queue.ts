import {
  type Attributes,
  type AttributeValue,
  diag,
  type SpanKind,
  type SpanStatus,
  type TraceState,
} from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import { type ExportResult, ExportResultCode, globalErrorHandler } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { type AttributeKey, type AttributeRun, type AttributeSet, SpanBatchWriter } from './otlp-span-encoder.js';
import { SpanExportStats } from './span-export-stats.js';
import type { IdBytes, SpanWriter } from './span-writer.js';

/** A batch as the exporter sends it: one encoded ExportTraceServiceRequest. */
export interface EncodedBatch {
  readonly bytes: Uint8Array;
  readonly spanCount: number;
}

/**
 * Where batches go (the OTLP/HTTP export delegate); `done` is called once per batch, success or not. After a
 * success the batch's bytes are written over by a later batch: the exporter keeps no reference to them.
 */
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

/** A batch waiting or being sent, with the whole buffer its bytes are part of. */
interface SealedBatch extends EncodedBatch {
  readonly buffer: Buffer;
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
export class EncodingSpanQueue implements SpanWriter {
  private writer: SpanBatchWriter | undefined;
  /** The batch a span written field by field goes into, between `beginSpan` and `endSpan`. */
  private current: SpanBatchWriter | undefined;
  private readonly waiting: SealedBatch[] = [];
  /**
   * The buffer of the last batch sent successfully, which the next batch is written into. A batch buffer is
   * allocated outside the JavaScript heap (~2 MB at ratio 1 under load) and lives for as long as its batch fills
   * and is sent, past two young-generation collections: its ArrayBuffer is promoted and freed only by a full
   * collection, so a new buffer per export piled up external memory until one came. Two buffers, the one being
   * written and the one being sent, now serve every export.
   */
  private spare: Buffer | undefined;
  /** Spans waiting, in flight and being written: what `maxQueueSize` bounds. */
  private queued = 0;
  private dropped = 0;
  private sending: Promise<ExportResult> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastBatchSize = MIN_EXPECTED_SPANS;
  private stopped = false;
  /** Spans exported and dropped since start (read by /metrics). */
  readonly stats = new SpanExportStats();

  constructor(
    private readonly exporter: BatchExporter,
    private readonly resource: Resource,
    private readonly scope: InstrumentationScope,
    private readonly limits: QueueLimits,
  ) {}

  /** Encodes a finished span into the batch being written; exports the batch once it is full. */
  record(span: ReadableSpan): void {
    const writer = this.admit();
    if (writer === undefined) return;
    writer.add(span);
    this.added(writer);
  }

  beginSpan(
    traceId: string,
    spanId: string,
    traceState: TraceState | undefined,
    parentSpanId: string | undefined,
    remoteParent: boolean,
    name: string,
    kind: SpanKind,
    startMs: number,
    endMs: number,
    ids?: IdBytes,
  ): void {
    const writer = this.admit();
    this.current = writer;
    writer?.beginSpan(traceId, spanId, traceState, parentSpanId, remoteParent, name, kind, startMs, endMs, ids);
  }

  attribute(key: AttributeKey, value: AttributeValue): void {
    this.current?.attribute(key, value);
  }

  attributeRun(run: AttributeRun): void {
    this.current?.attributeRun(run);
  }

  attributeSet(set: AttributeSet, values: readonly (AttributeValue | undefined)[]): void {
    this.current?.attributeSet(set, values);
  }

  attributes(attributes: Attributes): void {
    this.current?.attributes(attributes);
  }

  endSpan(status: SpanStatus): void {
    const writer = this.current;
    if (writer === undefined) return;
    this.current = undefined;
    writer.endSpan(status);
    this.added(writer);
  }

  /** The batch the next span goes into, or undefined when it is to be dropped. */
  private admit(): SpanBatchWriter | undefined {
    if (this.stopped) return undefined;
    if (this.queued >= this.limits.maxQueueSize) {
      this.stats.droppedFromQueue();
      if (this.dropped++ === 0) diag.debug('maxQueueSize reached, dropping spans');
      return undefined;
    }
    if (this.dropped > 0) {
      diag.warn(`Dropped ${this.dropped} spans because maxQueueSize reached`);
      this.dropped = 0;
    }
    let writer = this.writer;
    if (writer === undefined) {
      const expected = Math.max(MIN_EXPECTED_SPANS, Math.min(this.lastBatchSize, this.limits.maxExportBatchSize));
      writer = new SpanBatchWriter(this.resource, this.scope, expected, this.spare);
      this.spare = undefined;
      this.writer = writer;
    }
    return writer;
  }

  /** Counts a span written into `writer`; exports the batch once it is full. */
  private added(writer: SpanBatchWriter): void {
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
    this.waiting.push({ bytes: writer.finish(), spanCount: writer.count, buffer: writer.buffer });
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
      // A failed export may still be writing its request (a timeout): its buffer is left to the collector.
      if (result.code === ExportResultCode.SUCCESS) {
        this.spare = batch.buffer;
        this.stats.batchExported(batch.spanCount);
      } else this.stats.batchFailed(batch.spanCount);
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
