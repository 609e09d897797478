import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../telemetry/request-record.js';
import { ChangeGuard } from './change-guard.js';
import { parseGuardRequest } from './guard-settings.js';

function clock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const record = (model: string, revision: number, status: number, errorCode: string | null = null) =>
  ({ requestedModel: model, configRevision: revision, status, errorCode, errorMessage: null }) as RequestRecord;

const settings = { windowMs: 60_000, minRequests: 10, margin: 0.1 };

function guardWithBaseline(failures: number, total: number) {
  const time = clock();
  const guard = new ChangeGuard(time.now);
  guard.setKnownModels(['chat', 'other']);
  for (let i = 0; i < total; i++) guard.observe(record('chat', 1, i < failures ? 502 : 200));
  time.advance(1_000);
  guard.start(2, 1, ['chat'], settings);
  return { guard, time };
}

describe('ChangeGuard', () => {
  it('says "1 request", not "1 requests"', () => {
    const time = clock();
    const guard = new ChangeGuard(time.now);
    guard.setKnownModels(['chat']);
    guard.start(2, 1, ['chat'], { windowMs: 60_000, minRequests: 1, margin: 0.1 });
    guard.observe(record('chat', 2, 502));
    expect(guard.check()?.verdict).toMatchObject({ reason: expect.stringContaining('100.0% over 1 request to chat') });
  });

  it('rolls back once enough requests on the new revision fail clearly more than before', () => {
    const { guard } = guardWithBaseline(1, 100);
    for (let i = 0; i < 9; i++) guard.observe(record('chat', 2, 500));
    expect(guard.check()?.verdict).toEqual({ kind: 'watching' });
    guard.observe(record('chat', 2, 200));
    const result = guard.check();
    expect(result?.verdict).toMatchObject({
      kind: 'rollback',
      reason: expect.stringContaining('90.0% over 10 requests'),
    });
    expect(result?.watch).toMatchObject({ revision: 2, previous: 1, baseline: { requests: 100, failures: 1 } });
    expect(guard.current).toBeUndefined();
  });

  it('does not roll back for a rise within the margin, and passes when the window ends', () => {
    const { guard, time } = guardWithBaseline(5, 100);
    for (let i = 0; i < 100; i++) guard.observe(record('chat', 2, i < 14 ? 503 : 200));
    expect(guard.check()?.verdict).toEqual({ kind: 'watching' });
    time.advance(60_000);
    expect(guard.check()?.verdict).toEqual({ kind: 'passed' });
  });

  it('ignores client errors, hung-up clients, other models and requests still on the old revision', () => {
    const { guard, time } = guardWithBaseline(0, 50);
    for (let i = 0; i < 20; i++) {
      guard.observe(record('chat', 2, 400, 'GW_ERR_REQUEST_INVALID'));
      guard.observe(record('chat', 2, 499));
      guard.observe(record('other', 2, 500));
      guard.observe(record('chat', 1, 500));
    }
    expect(guard.current?.after).toEqual({ requests: 40, failures: 0 });
    time.advance(60_000);
    expect(guard.check()?.verdict).toEqual({ kind: 'passed' });
  });

  it('counts upstream failures that are not 5xx, like every target rate-limited', () => {
    const { guard } = guardWithBaseline(0, 0);
    for (let i = 0; i < 10; i++) guard.observe(record('chat', 2, 429, 'GW_ERR_UPSTREAM_FAILED'));
    expect(guard.check()?.verdict.kind).toBe('rollback');
  });

  it('judges against the error rate of the touched models before the publish', () => {
    const { guard } = guardWithBaseline(50, 100);
    for (let i = 0; i < 20; i++) guard.observe(record('chat', 2, i < 11 ? 500 : 200));
    expect(guard.check()?.verdict).toEqual({ kind: 'watching' });
  });
});

describe('parseGuardRequest', () => {
  it('reads a window with defaults for the thresholds and refuses nonsense', () => {
    expect(parseGuardRequest({ window: '5m' })).toEqual({ windowMs: 300_000, minRequests: 20, margin: 0.1 });
    expect(parseGuardRequest({ window: '2s', min_requests: 5, margin: 0.5 })).toEqual({
      windowMs: 2_000,
      minRequests: 5,
      margin: 0.5,
    });
    expect(() => parseGuardRequest({ window: 'soon' })).toThrow(/duration/);
    expect(() => parseGuardRequest({ window: '5m', margin: 2 })).toThrow(/margin/);
  });
});
