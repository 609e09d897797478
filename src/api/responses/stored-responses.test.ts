import { describe, expect, it } from 'vitest';
import { type StoredResponse, storedItems } from '../../store/store.js';
import { StoredResponses } from './stored-responses.js';

const DAY = 86_400_000;

function response(id: string, createdAt: number, clientScope = 'key_a'): StoredResponse {
  return { id, clientScope, createdAt, previousResponseId: null, response: { id }, inputItems: [] };
}

/** A store whose writes land only when the test says so, to see what readers get in between. */
class SlowStore {
  readonly rows = new Map<string, StoredResponse>();
  private readonly landing: Array<() => void> = [];
  failNext = false;

  readonly batches: number[] = [];

  insertStoredResponses(rows: readonly StoredResponse[]): Promise<void> {
    const fail = this.failNext;
    this.failNext = false;
    this.batches.push(rows.length);
    return new Promise((resolve, reject) => {
      this.landing.push(() => {
        if (fail) return reject(new Error('disk full'));
        for (const row of rows) this.rows.set(row.id, row);
        resolve();
      });
    });
  }

  async getStoredResponse(id: string, scope: string): Promise<StoredResponse | undefined> {
    const row = this.rows.get(id);
    return row?.clientScope === scope ? row : undefined;
  }

  async deleteStoredResponse(id: string, scope: string): Promise<boolean> {
    if (this.rows.get(id)?.clientScope !== scope) return false;
    return this.rows.delete(id);
  }

  /** Lands every write handed over so far, after the batch window has passed. */
  async land(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (const write of this.landing.splice(0)) write();
  }
}

describe('StoredResponses', () => {
  const now = 100 * DAY;

  it('reads a response whose items are bytes from the store once its write has landed, not from memory', async () => {
    const store = new SlowStore();
    const responses = new StoredResponses(store, { retentionDays: () => 30, now: () => now });
    const items = [{ id: 'msg_1', type: 'message', role: 'user', content: 'hi' }];
    const saved = { ...response('resp_b', now), inputItems: { utf8: Buffer.from(JSON.stringify(items)) } };
    responses.save(saved);
    let read: StoredResponse | undefined;
    const reading = responses.get('resp_b', 'key_a').then((found) => {
      read = found;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(read).toBeUndefined(); // still waiting for the write: the bytes may have moved to the store's thread
    // What the store landed is what it reads back (here the same object; the SQLite worker decodes it).
    await store.land();
    await reading;
    expect(read?.id).toBe('resp_b');
    expect(storedItems(read?.inputItems ?? [])).toEqual(items);
  });

  it('serves a response before its write has landed, and from the store after', async () => {
    const store = new SlowStore();
    const responses = new StoredResponses(store, { retentionDays: () => 30, now: () => now });
    responses.save(response('resp_1', now));
    expect(store.rows.size).toBe(0);
    expect((await responses.get('resp_1', 'key_a'))?.id).toBe('resp_1');
    await store.land();
    await responses.flush();
    expect(store.rows.has('resp_1')).toBe(true);
    expect((await responses.get('resp_1', 'key_a'))?.id).toBe('resp_1');
  });

  it('never hands a pending response to another client', async () => {
    const store = new SlowStore();
    const responses = new StoredResponses(store, { retentionDays: () => 30, now: () => now });
    responses.save(response('resp_1', now));
    expect(await responses.get('resp_1', 'key_b')).toBeUndefined();
    const deleting = responses.delete('resp_1', 'key_b');
    await store.land();
    expect(await deleting).toBe(false);
    expect(store.rows.has('resp_1')).toBe(true);
  });

  it('lets a delete wait for the write it overtook, so the response does not come back', async () => {
    const store = new SlowStore();
    const responses = new StoredResponses(store, { retentionDays: () => 30, now: () => now });
    responses.save(response('resp_1', now));
    const deleting = responses.delete('resp_1', 'key_a');
    await store.land();
    expect(await deleting).toBe(true);
    expect(store.rows.size).toBe(0);
    expect(await responses.get('resp_1', 'key_a')).toBeUndefined();
  });

  it('reads a response past its retention as absent, and keeps all with retention 0', async () => {
    const store = new SlowStore();
    let days = 30;
    const responses = new StoredResponses(store, { retentionDays: () => days, now: () => now });
    responses.save(response('resp_old', now - 31 * DAY));
    responses.save(response('resp_new', now - 29 * DAY));
    await store.land();
    // Saved together, written together.
    expect(store.batches).toEqual([2]);
    await responses.flush();
    expect(await responses.get('resp_old', 'key_a')).toBeUndefined();
    expect(await responses.delete('resp_old', 'key_a')).toBe(false);
    expect((await responses.get('resp_new', 'key_a'))?.id).toBe('resp_new');
    days = 0;
    responses.save(response('resp_ancient', now - 900 * DAY));
    await store.land();
    expect((await responses.get('resp_ancient', 'key_a'))?.id).toBe('resp_ancient');
  });

  it('reports a failed write and forgets the response instead of holding it in memory', async () => {
    const store = new SlowStore();
    const failures: string[] = [];
    const responses = new StoredResponses(store, {
      retentionDays: () => 30,
      now: () => now,
      onWriteError: (error, ids) => failures.push(`${ids.join(',')}: ${(error as Error).message}`),
    });
    store.failNext = true;
    responses.save(response('resp_1', now));
    await store.land();
    await responses.flush();
    expect(failures).toEqual(['resp_1: disk full']);
    expect(store.batches).toEqual([1]);
    expect(await responses.get('resp_1', 'key_a')).toBeUndefined();
  });
});
