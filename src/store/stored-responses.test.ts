import { describe, expect, it } from 'vitest';
import { openTestStore } from '../../test/support/sqlite-store.js';
import { RetentionSweeper } from '../telemetry/retention.js';
import type { StoredResponse } from './store.js';

const DAY = 86_400_000;

function row(id: string, createdAt: number, clientScope = 'key_a'): StoredResponse {
  return {
    id,
    clientScope,
    createdAt,
    previousResponseId: null,
    response: { id, object: 'response', output: [{ type: 'message', content: [{ type: 'output_text', text: 'é' }] }] },
    inputItems: [{ id: 'msg_1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
  };
}

describe('stored responses in the SQLite store', () => {
  it('round-trips a response for its own client only', async () => {
    const store = await openTestStore();
    await store.insertStoredResponses([row('resp_1', 1_000), row('resp_2', 2_000, 'key_b')]);
    expect(await store.getStoredResponse('resp_1', 'key_a')).toEqual(row('resp_1', 1_000));
    expect(await store.getStoredResponse('resp_1', 'key_b')).toBeUndefined();
    expect(await store.deleteStoredResponse('resp_1', 'key_b')).toBe(false);
    expect(await store.deleteStoredResponse('resp_1', 'key_a')).toBe(true);
    expect(await store.getStoredResponse('resp_1', 'key_a')).toBeUndefined();
    await store.close();
  });

  it('is pruned by the retention sweeper, oldest first and in chunks', async () => {
    const store = await openTestStore();
    const now = 100 * DAY;
    const old = Array.from({ length: 7 }, (_, i) => row(`resp_old_${i}`, now - 40 * DAY + i));
    await store.insertStoredResponses([...old, row('resp_recent', now - DAY)]);
    const sweeper = new RetentionSweeper(
      { deleteRequestsBefore: (before, limit) => store.deleteStoredResponsesBefore(before, limit) },
      { days: () => 30, now: () => now },
    );
    expect(await sweeper.sweep()).toBe(7);
    expect(await store.getStoredResponse('resp_recent', 'key_a')).toBeDefined();
    expect(await store.deleteStoredResponsesBefore(now, 1)).toBe(1);
    await store.close();
  });
});
