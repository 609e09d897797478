import { afterEach, describe, expect, it, vi } from 'vitest';
import { REPORT_INTERVAL_MS } from '../config/environments/gateway-environments.js';
import type { Store } from '../store/store.js';
import { GatewayReporter } from './gateway-reporter.js';
import { redirectLog } from './log.js';

describe('GatewayReporter', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    vi.useRealTimers();
  });

  it('logs a store that refuses its reports once, then at most once a minute, and once when it works again', async () => {
    vi.useFakeTimers();
    const lines: Array<Record<string, unknown>> = [];
    restore = redirectLog({ write: (line: string) => lines.push(JSON.parse(line)) });
    let full = false;
    // Only the two calls the reporter makes: a full disk fails every write.
    const store = {
      setMeta: async () => {
        if (full) throw new Error('StoreError: database or disk is full');
      },
      deleteMeta: async () => undefined,
    } as unknown as Store;
    const reporter = new GatewayReporter(store, {}, () => Date.now());
    await reporter.start('http://127.0.0.1:1');

    full = true;
    // Two minutes of reports every 5 s: 24 failures.
    await vi.advanceTimersByTimeAsync(120_000);
    expect(lines.map((line) => line.msg)).toEqual([
      'reporting this gateway to the store failed; will retry',
      'reporting this gateway to the store failed; will retry',
    ]);
    expect(lines[0]).toMatchObject({ level: 'warn', error: 'Error: StoreError: database or disk is full' });
    expect(lines[0]).not.toHaveProperty('records_waiting');
    expect(lines[1]).toMatchObject({ failures_since_last_line: 60_000 / REPORT_INTERVAL_MS - 1 });

    full = false;
    await vi.advanceTimersByTimeAsync(3 * REPORT_INTERVAL_MS);
    expect(lines.slice(2).map((line) => line.msg)).toEqual(['reporting this gateway to the store works again']);
    await reporter.stop();
  });

  it('reads its environment once, not at every report', async () => {
    vi.useFakeTimers();
    const reports: string[] = [];
    const store = {
      setMeta: async (_key: string, value: string) => {
        reports.push(value);
      },
      deleteMeta: async () => undefined,
    } as unknown as Store;
    let reads = 0;
    const env = new Proxy({ AMG_A: 'x', AMG_B: 'y' } as Record<string, string | undefined>, {
      get(target, name) {
        reads++;
        return target[name as string];
      },
    });
    const reporter = new GatewayReporter(store, env, () => Date.now());
    await reporter.start('http://127.0.0.1:1');
    const afterStart = reads;
    await vi.advanceTimersByTimeAsync(10 * REPORT_INTERVAL_MS);
    expect(reports.length).toBeGreaterThanOrEqual(10);
    expect(reads).toBe(afterStart);
    expect(JSON.parse(reports.at(-1) as string).envNames).toEqual(['AMG_A', 'AMG_B']);
    await reporter.stop();
  });
});
