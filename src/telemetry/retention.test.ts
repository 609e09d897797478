import { describe, expect, it } from 'vitest';
import { RetentionSweeper } from './retention.js';

function fakeStore(times: number[]) {
  const rows = [...times];
  const calls: Array<{ before: number; limit: number }> = [];
  return {
    rows,
    calls,
    async deleteRequestsBefore(before: number, limit: number): Promise<number> {
      calls.push({ before, limit });
      let deleted = 0;
      for (let i = rows.length - 1; i >= 0 && deleted < limit; i--) {
        if ((rows[i] as number) < before) {
          rows.splice(i, 1);
          deleted++;
        }
      }
      return deleted;
    },
  };
}

describe('RetentionSweeper', () => {
  const day = 86_400_000;
  const now = 100 * day;

  it('deletes records older than the window in chunks until none are left', async () => {
    const old = Array.from({ length: 12_000 }, (_, i) => now - 40 * day - i);
    const store = fakeStore([...old, now - day, now]);
    const sweeper = new RetentionSweeper(store, { days: () => 30, now: () => now });
    expect(await sweeper.sweep()).toBe(12_000);
    expect(store.rows).toEqual([now - day, now]);
    expect(store.calls.map((c) => c.before)).toEqual([now - 30 * day, now - 30 * day, now - 30 * day]);
  });

  it('keeps everything when retention is 0', async () => {
    const store = fakeStore([1, 2, 3]);
    expect(await new RetentionSweeper(store, { days: () => 0, now: () => now }).sweep()).toBe(0);
    expect(store.calls).toHaveLength(0);
  });
});
