import { describe, expect, it } from 'vitest';
import { parseUsageQuery, USAGE_FLAG_NAMES } from './usage-report.js';

const NOW = Date.parse('2027-03-01T12:00:00Z');
const problem = (params: Record<string, string | undefined>, cli = false) => {
  try {
    parseUsageQuery(params, NOW, cli ? USAGE_FLAG_NAMES : undefined);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('the usage query', () => {
  it('names the admin API parameters for the API', () => {
    expect(problem({ group_by: 'team' })).toBe('group_by must be one of key, model, provider, tag (got "team")');
    expect(problem({ since: 'yesterday' })).toMatch(/^since must be a duration/);
    expect(problem({ since: '1d', until: '2d' })).toBe('since must be before until');
  });

  it("names amg usage's flags for the CLI", () => {
    expect(problem({ group_by: 'team' }, true)).toBe('--by must be one of key, model, provider, tag (got "team")');
    expect(problem({ since: 'yesterday' }, true)).toMatch(/^--since must be a duration/);
    expect(problem({ until: 'soon' }, true)).toMatch(/^--until must be a duration/);
    expect(problem({ since: '1d', until: '2d' }, true)).toBe('--since must be before --until');
    expect(problem({ since: '400d' }, true)).toBe('--since to --until is at most 366 days');
  });

  it('reads durations before now, ISO date-times and epoch milliseconds alike', () => {
    expect(parseUsageQuery({ since: '1d' }, NOW).since).toBe(NOW - 86_400_000);
    expect(parseUsageQuery({ since: '2027-02-28T12:00:00Z', until: `${NOW}` }, NOW)).toEqual({
      groupBy: 'key',
      since: NOW - 86_400_000,
      until: NOW,
    });
  });
});

describe('usage windows given as calendar dates', () => {
  it('reads a date or date-time without an offset in the budget time zone, whatever the machine’s zone', () => {
    const berlin = (params: Record<string, string>) => parseUsageQuery(params, NOW, undefined, 'Europe/Berlin');
    // December's budget month in Berlin begins at 23:00 UTC on November 30th.
    expect(berlin({ since: '2026-12-01', until: '2027-01-01' })).toEqual({
      groupBy: 'key',
      since: Date.parse('2026-11-30T23:00:00Z'),
      until: Date.parse('2026-12-31T23:00:00Z'),
    });
    expect(berlin({ since: '2026-07-01T00:00:00', until: '2026-07-01T12:30:15.5' })).toMatchObject({
      since: Date.parse('2026-06-30T22:00:00Z'),
      until: Date.parse('2026-07-01T10:30:15.500Z'),
    });
    // An explicit offset is taken as written.
    expect(berlin({ since: '2026-12-01T00:00:00Z', until: '2026-12-01T06:00:00+05:30' })).toMatchObject({
      since: Date.parse('2026-12-01T00:00:00Z'),
      until: Date.parse('2026-12-01T00:30:00Z'),
    });
    expect(parseUsageQuery({ since: '2026-12-01', until: '2026-12-02' }, NOW).since).toBe(
      Date.parse('2026-12-01T00:00:00Z'),
    );
  });

  it('refuses dates that are not ISO 8601 or do not exist, rather than guessing', () => {
    expect(problem({ since: 'Dec 1 2026' })).toMatch(/^since must be a duration/);
    expect(problem({ since: '2026-02-30' })).toMatch(/^since must be a duration/);
    expect(problem({ since: '2026-12-01T24:30' })).toMatch(/^since must be a duration/);
  });
});
