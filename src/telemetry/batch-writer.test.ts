import { describe, expect, it } from 'vitest';
import { BatchWriter } from './batch-writer.js';
import type { RequestRecord } from './request-record.js';

const record = (id: string) => ({ id }) as RequestRecord;

describe('BatchWriter', () => {
  it('writes nothing on add and everything on flush, in one batch', async () => {
    const batches: string[][] = [];
    const writer = new BatchWriter(
      { insertRequests: async (rows) => void batches.push(rows.map((r) => r.id)) },
      { flushIntervalMs: 60_000, batchSize: 100 },
    );
    writer.add(record('a'));
    writer.add(record('b'));
    expect(batches).toEqual([]);
    await writer.flush();
    expect(batches).toEqual([['a', 'b']]);
  });

  it('keeps a failed batch and writes it on the next flush', async () => {
    let fail = true;
    const written: string[] = [];
    const writer = new BatchWriter(
      {
        insertRequests: async (rows) => {
          if (fail) throw new Error('disk full');
          written.push(...rows.map((r) => r.id));
        },
      },
      { flushIntervalMs: 60_000, batchSize: 100, onError: () => pendingWhenFailed.push(writer.pending) },
    );
    const pendingWhenFailed: number[] = [];
    writer.add(record('a'));
    await writer.flush();
    expect(writer.pending).toBe(1);
    // What the failure is reported with: the batch once, back in the buffer.
    expect(pendingWhenFailed).toEqual([1]);
    fail = false;
    writer.add(record('b'));
    await writer.close();
    expect(written).toEqual(['a', 'b']);
  });

  it('drops the oldest records beyond the memory cap and counts them', () => {
    const writer = new BatchWriter(
      { insertRequests: () => new Promise(() => undefined) },
      { flushIntervalMs: 60_000, batchSize: 1_000, maxBuffered: 2 },
    );
    for (const id of ['a', 'b', 'c']) writer.add(record(id));
    expect(writer.pending).toBe(2);
    expect(writer.dropped).toBe(1);
  });

  it('counts the records of a write under way as pending until the store has them', async () => {
    let finish: (() => void) | undefined;
    const writer = new BatchWriter(
      { insertRequests: () => new Promise<void>((resolve) => (finish = resolve)) },
      { flushIntervalMs: 60_000, batchSize: 100 },
    );
    writer.add(record('a'));
    writer.add(record('b'));
    const flushed = writer.flush();
    writer.add(record('c'));
    expect(writer.pending).toBe(3);
    finish?.();
    await flushed;
    expect(writer.pending).toBe(1);
  });
});
