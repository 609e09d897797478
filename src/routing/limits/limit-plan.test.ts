import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { BudgetCalendar } from './budget-calendar.js';
import { compileAccess } from './client-access.js';
import { LimitPlans, precedingBuckets } from './limit-plan.js';

const policy = { rpm: 10, tpm: 1_000, model_limits: { 'gpt-4o*': { rpm: 2 } }, budgets: { day: 5 } };
const at = (iso: string) => Date.parse(iso);

describe('LimitPlans', () => {
  it('gives every request of a client in one window the same plan, and a new one when the minute turns', () => {
    const plans = new LimitPlans();
    const calendar = new BudgetCalendar('UTC');
    const access = compileAccess('key1', 'team-a', policy);
    if (!access) throw new Error('no access');
    const first = plans.planFor(access, 'claude-x', calendar, at('2026-12-04T10:00:10Z'));
    expect(plans.planFor(access, 'claude-x', calendar, at('2026-12-04T10:00:59.999Z'))).toBe(first);
    const next = plans.planFor(access, 'claude-x', calendar, at('2026-12-04T10:01:00Z'));
    expect(next).not.toBe(first);
    expect(first.buckets.map((b) => b.key)).toEqual([
      'amg:lim:key1:rpm:1796378400000',
      'amg:lim:key1:tpm:1796378400000',
      'amg:lim:key1:usd:day:2026-12-04',
    ]);
    expect(next.buckets[0]?.key).toBe('amg:lim:key1:rpm:1796378460000');
    // The next window's plan knows the one it replaced (a shared backend sizes its first lease by it).
    expect(precedingBuckets.get(next.buckets)).toBe(first.buckets);
    expect(precedingBuckets.get(first.buckets)).toBeUndefined();
    // A clock that goes back (a test's, or a corrected one) does not reuse a later window's plan.
    expect(plans.planFor(access, 'claude-x', calendar, at('2026-12-04T10:00:30Z')).buckets[0]?.key).toBe(
      'amg:lim:key1:rpm:1796378400000',
    );
  });

  it('keeps only the window before of a key in use: older plans are collected', async () => {
    const plans = new LimitPlans();
    const calendar = new BudgetCalendar('UTC');
    const access = compileAccess('key1', 'team-a', policy);
    if (!access) throw new Error('no access');
    const start = at('2026-12-04T10:00:10Z');
    // Made in a function of its own, so that no variable here holds the first window's plan.
    const first = (() => new WeakRef(plans.planFor(access, 'claude-x', calendar, start).buckets))();
    const second = plans.planFor(access, 'claude-x', calendar, start + 60_000).buckets;
    const third = plans.planFor(access, 'claude-x', calendar, start + 120_000).buckets;
    expect(precedingBuckets.get(third)).toBe(second);
    expect(precedingBuckets.get(second)).toBeUndefined();
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(first.deref()).toBeUndefined();
  });

  it('plans a model under a model_limits pattern apart, with the pattern’s counters', () => {
    const plans = new LimitPlans();
    const calendar = new BudgetCalendar('UTC');
    const access = compileAccess('key1', 'team-a', policy);
    if (!access) throw new Error('no access');
    const now = at('2026-12-04T10:00:10Z');
    const plain = plans.planFor(access, 'claude-x', calendar, now);
    const limited = plans.planFor(access, 'gpt-4o-mini', calendar, now);
    expect(plans.planFor(access, 'gpt-4o', calendar, now)).toBe(limited);
    expect(limited.buckets.map((b) => [b.kind, b.limit, b.pattern])).toEqual([
      ['requests', 10, undefined],
      ['tokens', 1_000, undefined],
      ['requests', 2, 'gpt-4o*'],
      ['budget', 5_000_000, undefined],
    ]);
    expect(plain.buckets).toHaveLength(3);
    expect(limited.requestsAt).toBe(0);
  });

  it('plans afresh for a recompiled key (its limits changed) and for another time zone', () => {
    const plans = new LimitPlans();
    const utc = new BudgetCalendar('UTC');
    const now = at('2026-12-04T23:30:10Z');
    const before = compileAccess('key1', 'team-a', policy);
    const after = compileAccess('key1', 'team-a', { ...policy, rpm: 100 });
    if (!before || !after) throw new Error('no access');
    expect(plans.planFor(before, 'x', utc, now).buckets[0]?.limit).toBe(10);
    expect(plans.planFor(after, 'x', utc, now).buckets[0]?.limit).toBe(100);
    const berlin = plans.planFor(after, 'x', new BudgetCalendar('Europe/Berlin'), now);
    expect(berlin.buckets[2]?.key).toBe('amg:lim:key1:usd:day:2026-12-05');
  });

  it('ends a plan with its budget day when that comes before the minute', () => {
    const plans = new LimitPlans();
    // Kolkata is UTC+5:30: its days end at half past the UTC hour, on a minute boundary as well.
    const calendar = new BudgetCalendar('Asia/Kolkata');
    const access = compileAccess('key1', 'team-a', { budgets: { day: 1 } });
    if (!access) throw new Error('no access');
    const plan = plans.planFor(access, 'x', calendar, at('2026-12-04T18:29:59Z'));
    expect(plan.until).toBe(at('2026-12-04T18:30:00Z'));
    const after = plans.planFor(access, 'x', calendar, at('2026-12-04T18:30:00Z'));
    expect(after.buckets[0]?.key).toBe('amg:lim:key1:usd:day:2026-12-05');
  });
});
