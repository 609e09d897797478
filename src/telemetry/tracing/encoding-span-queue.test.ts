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
