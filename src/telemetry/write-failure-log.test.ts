import { afterEach, describe, expect, it } from 'vitest';
import { redirectLog } from '../server/log.js';
import { WriteFailureLog } from './write-failure-log.js';

describe('WriteFailureLog', () => {
  let restore: (() => void) | undefined;
  afterEach(() => restore?.());

  it('logs the first failure, then once a minute with the count, and the recovery once', () => {
    const lines: Array<Record<string, unknown>> = [];
    restore = redirectLog({ write: (line: string) => lines.push(JSON.parse(line)) });
    let now = Date.parse('2026-12-05T20:00:00Z');
    const failures = new WriteFailureLog(() => now);
    expect(failures.problem(0)).toBeUndefined();

    for (let i = 0; i <= 240; i++) {
      failures.failed(new Error('database or disk is full'), 500);
      now += 250;
    }
    expect(lines.map((line) => line.msg)).toEqual([
      'telemetry write failed; will retry',
      'telemetry write failed; will retry',
    ]);
    expect(lines[0]).toMatchObject({ level: 'error', error: 'Error: database or disk is full', records_waiting: 500 });
    expect(lines[1]).toMatchObject({ failures_since_last_line: 239 });
    expect(failures.problem(500)).toBe(
      'request records cannot be written since 2026-12-05T20:00:00.000Z (Error: database or disk is full); 500 waiting in memory',
    );

    failures.succeeded();
    failures.succeeded();
    expect(lines.slice(2)).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'telemetry writes recovered', failing_for_ms: 60_250 }),
    ]);
    expect(failures.problem(0)).toBeUndefined();
    // A new failure after the recovery is news: logged at once.
    failures.failed(new Error('database is locked'), 3);
    expect(lines).toHaveLength(4);
  });
});
