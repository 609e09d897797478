import { describe, expect, it } from 'vitest';
import { openTestStore } from '../../test/support/sqlite-store.js';
import type { NewRevision } from '../config/revision.js';

const draft = (content: string, source: NewRevision['source'] = 'api'): NewRevision => ({
  content,
  contentSha256: `sha-${content}`,
  author: 'alice',
  message: `publish ${content}`,
  source,
  createdAt: 1_700_000_000_000,
  restoredFrom: null,
  guard: null,
});

describe('config revisions in the store', () => {
  it('numbers revisions from 1, activates each, and records the one it replaced', async () => {
    const store = await openTestStore();
    expect(await store.activeRevisionNumber()).toBeNull();
    const first = await store.createRevision(draft('a', 'file'), {});
    const second = await store.createRevision(draft('b'), {});
    expect(first).toMatchObject({ ok: true, revision: { number: 1, parent: null } });
    expect(second).toMatchObject({ ok: true, revision: { number: 2, parent: 1 } });
    expect(await store.activeRevisionNumber()).toBe(2);
    expect((await store.latestRevision('file'))?.number).toBe(1);
    expect((await store.getRevision(2))?.content).toBe('b');
    await store.close();
  });

  it('refuses to activate when the active revision is not the expected one', async () => {
    const store = await openTestStore();
    await store.createRevision(draft('a'), { expectActive: null });
    await store.createRevision(draft('b'), { expectActive: 1 });
    const stale = await store.createRevision(draft('c'), { expectActive: 1 });
    expect(stale).toEqual({ ok: false, active: 2 });
    expect(await store.activeRevisionNumber()).toBe(2);
    await store.close();
  });

  it('lists summaries newest first without content, and records a guard outcome', async () => {
    const store = await openTestStore();
    await store.createRevision(draft('a'), {});
    await store.createRevision({ ...draft('b'), guard: { windowMs: 60_000, minRequests: 20, margin: 0.1 } }, {});
    await store.setGuardState(2, 'passed', 'no rise');
    const list = await store.listRevisions({ limit: 10 });
    expect(list.map((r) => r.number)).toEqual([2, 1]);
    expect(list[0]).toMatchObject({ guard: { windowMs: 60_000 }, guardState: 'passed', guardDetail: 'no rise' });
    expect(list[0]).not.toHaveProperty('content');
    await store.close();
  });
});
