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
