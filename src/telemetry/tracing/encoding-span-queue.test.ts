import { SpanKind, TraceFlags } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BatchExporter, type EncodedBatch, EncodingSpanQueue, type QueueLimits } from './encoding-span-queue.js';
import { RecordedSpan } from './recorded-span.js';

const resource = resourceFromAttributes({ 'service.name': 'ai-model-gateway', 'service.version': 'test' });
const scope = { name: 'ai-model-gateway', version: 'test' };

function span(i: number): RecordedSpan {
  const spanId = (i + 1).toString(16).padStart(16, '0');
  const context = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId, traceFlags: TraceFlags.SAMPLED };
  const made = new RecordedSpan(
    `POST /v1/chat/completions ${i}`,
    SpanKind.SERVER,
    context,
    undefined,
    { 'http.request.method': 'POST', 'amg.attempts': i },
    1_764_900_000_000 + i,
    resource,
    scope,
  );
  made.finish(1_764_900_000_010 + i);
  return made;
}

/** An exporter that keeps each batch and answers when the test says so (or at once). */
class HeldExporter implements BatchExporter {
  readonly batches: EncodedBatch[] = [];
  readonly pending: Array<(result: ExportResult) => void> = [];
  answerAtOnce = true;
  shutDown = false;

  export(batch: EncodedBatch, done: (result: ExportResult) => void): void {
    this.batches.push(batch);
    if (this.answerAtOnce) done({ code: ExportResultCode.SUCCESS });
    else this.pending.push(done);
  }

  async shutdown(): Promise<void> {
    this.shutDown = true;
  }
}

const limits: QueueLimits = { maxQueueSize: 10, maxExportBatchSize: 4, scheduledDelayMillis: 1_000 };

/** The bytes the official serialiser writes for the same spans. */
function official(spans: RecordedSpan[]): string {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array()).toString('hex');
}

describe('encoding span queue', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a full batch at once, as the official serialiser would encode its spans', () => {
    const exporter = new HeldExporter();
    const queue = new EncodingSpanQueue(exporter, resource, scope, limits);
    const spans = Array.from({ length: 5 }, (_, i) => span(i));
    for (const s of spans) queue.record(s);
    expect(exporter.batches).toHaveLength(1);
    expect(exporter.batches[0]?.spanCount).toBe(4);
    expect(Buffer.from(exporter.batches[0]?.bytes ?? []).toString('hex')).toBe(official(spans.slice(0, 4)));
  });

  it('sends a partial batch once the delay has passed', () => {
    vi.useFakeTimers();
    const exporter = new HeldExporter();
    const queue = new EncodingSpanQueue(exporter, resource, scope, limits);
    queue.record(span(0));
    queue.record(span(1));
    vi.advanceTimersByTime(999);
    expect(exporter.batches).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(exporter.batches.map((b) => b.spanCount)).toEqual([2]);
    expect(Buffer.from(exporter.batches[0]?.bytes ?? []).toString('hex')).toBe(official([span(0), span(1)]));
  });

  it('runs one export at a time and drops spans beyond the queue size until exports drain', async () => {
    const exporter = new HeldExporter();
    exporter.answerAtOnce = false;
    const queue = new EncodingSpanQueue(exporter, resource, scope, limits);
    for (let i = 0; i < 12; i++) queue.record(span(i));
    // 4 in flight, 4 waiting, 2 being written: the queue of 10 is full and the last two are dropped.
    expect(exporter.batches.map((b) => b.spanCount)).toEqual([4]);
    exporter.pending.shift()?.({ code: ExportResultCode.SUCCESS });
    await new Promise(setImmediate);
    expect(exporter.batches.map((b) => b.spanCount)).toEqual([4, 4]);
    queue.record(span(12));
    exporter.answerAtOnce = true;
    exporter.pending.shift()?.({ code: ExportResultCode.SUCCESS });
    await queue.forceFlush();
    expect(exporter.batches.map((b) => b.spanCount)).toEqual([4, 4, 3]);
    expect(Buffer.from(exporter.batches[2]?.bytes ?? []).toString('hex')).toBe(official([span(8), span(9), span(12)]));
  });

  it('writes a batch into the buffer of the last one sent successfully, never of one that failed', async () => {
    const exporter = new HeldExporter();
    exporter.answerAtOnce = false;
    const queue = new EncodingSpanQueue(exporter, resource, scope, limits);
    const spans = Array.from({ length: 10 }, (_, i) => span(i));
    // Batch 0 goes out; batch 1 is written meanwhile, into a buffer of its own.
    for (const s of spans.slice(0, 4)) queue.record(s);
    for (const s of spans.slice(4, 6)) queue.record(s);
    exporter.pending.shift()?.({ code: ExportResultCode.SUCCESS });
    await new Promise(setImmediate);
    const flushed = queue.forceFlush();
    await new Promise(setImmediate);
    // Batch 1 fails; batch 2, begun after batch 0 was sent, is written where batch 0 was.
    exporter.pending.shift()?.({ code: ExportResultCode.FAILED, error: new Error('collector down') });
    await expect(flushed).rejects.toThrow('collector down');
    for (const s of spans.slice(6, 8)) queue.record(s);
    const third = queue.forceFlush();
    await new Promise(setImmediate);
    exporter.pending.shift()?.({ code: ExportResultCode.SUCCESS });
    await third;
    // Batch 3, after a success of batch 2 (which reused batch 0's buffer), reuses it again; batch 1's is not used.
    for (const s of spans.slice(8, 10)) queue.record(s);
    const fourth = queue.forceFlush();
    await new Promise(setImmediate);
    exporter.pending.shift()?.({ code: ExportResultCode.SUCCESS });
    await fourth;
    const [first, failed, again, last] = exporter.batches.map((b) => b.bytes.buffer);
    expect(again).toBe(first);
    expect(last).toBe(first);
    expect(failed).not.toBe(first);
    expect(Buffer.from(exporter.batches[3]?.bytes ?? []).toString('hex')).toBe(official(spans.slice(8, 10)));
    expect(Buffer.from(exporter.batches[1]?.bytes ?? []).toString('hex')).toBe(official(spans.slice(4, 6)));
  });

  it('rejects a flush whose export failed, and exports nothing after shutdown', async () => {
    const exporter = new HeldExporter();
    exporter.answerAtOnce = false;
    const queue = new EncodingSpanQueue(exporter, resource, scope, limits);
    queue.record(span(0));
    const flushed = queue.forceFlush();
    exporter.pending.shift()?.({ code: ExportResultCode.FAILED, error: new Error('collector down') });
    await expect(flushed).rejects.toThrow('collector down');
    exporter.answerAtOnce = true;
    await queue.shutdown();
    expect(exporter.shutDown).toBe(true);
    queue.record(span(1));
    await queue.forceFlush();
    expect(exporter.batches).toHaveLength(1);
  });
});
