import { describe, expect, it } from 'vitest';
import { RefreshingIndex } from './refreshing-index.js';

describe('RefreshingIndex', () => {
  it('finds an entry added to the store after the last load, on first use', async () => {
    const store = new Map([['a', 1]]);
    const index = new RefreshingIndex(async () => new Map(store), Date.now, 20);
    await index.refresh();
    store.set('b', 2);
    expect(index.get('b')).toBeUndefined();
    expect(await index.lookup('b')).toBe(2);
  });

  it('turns a burst of misses into a single store query', async () => {
    let loads = 0;
    const index = new RefreshingIndex(
      async () => {
        loads++;
        return new Map<string, number>();
      },
      Date.now,
      50,
    );
    await index.refresh();
    await Promise.all(Array.from({ length: 100 }, (_, i) => index.lookup(`bad-${i}`)));
    expect(loads).toBe(2);
  });

  it('rejects an entry the caller does not accept (e.g. expired)', async () => {
    const index = new RefreshingIndex(async () => new Map([['k', { expired: true }]]), Date.now, 5);
    await index.refresh();
    expect(await index.lookup('k', (v) => !v.expired)).toBeUndefined();
  });

  it('lists again only when the version moved since the last load', async () => {
    let loads = 0;
    let version = 7;
    const index = new RefreshingIndex(
      async () => {
        loads++;
        return new Map([['k', loads]]);
      },
      Date.now,
      5,
      async () => version,
    );
    await index.refreshIfChanged();
    await index.refreshIfChanged();
    await index.refreshIfChanged();
    expect(loads).toBe(1);
    version++;
    await index.refreshIfChanged();
    expect(loads).toBe(2);
    expect(index.get('k')).toBe(2);
  });

  it('reloads on the next check when the source changed while it was being listed', async () => {
    let version = 1;
    const source = new Map([['a', 1]]);
    const index = new RefreshingIndex(
      async () => {
        const listed = new Map(source);
        // Committed by another process after the version was read, and after this list was taken.
        source.set('b', 2);
        version++;
        return listed;
      },
      Date.now,
      5,
      async () => version,
    );
    await index.refresh();
    expect(index.get('b')).toBeUndefined();
    await index.refreshIfChanged();
    expect(index.get('b')).toBe(2);
  });

  it('answers misses without a list while the version stands still, and finds a new entry once it moved', async () => {
    let loads = 0;
    let version = 1;
    const source = new Map([['a', 1]]);
    const index = new RefreshingIndex(
      async () => {
        loads++;
        return new Map(source);
      },
      Date.now,
      5,
      async () => version,
    );
    await index.refresh();
    for (let i = 0; i < 3; i++) expect(await index.lookup(`bad-${i}`)).toBeUndefined();
    expect(loads).toBe(1);
    source.set('b', 2);
    version++;
    expect(await index.lookup('b')).toBe(2);
    expect(loads).toBe(2);
  });
});
