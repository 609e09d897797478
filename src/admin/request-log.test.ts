import { describe, expect, it } from 'vitest';
import { parseAuditQuery } from '../audit/audit-view.js';
import { BudgetCalendar } from '../routing/limits/budget-calendar.js';
import { parseRequestQuery } from './request-log.js';
import { parseUsageQuery } from './usage-report.js';

const NOW = Date.parse('2027-03-01T12:00:00Z');

describe('the request log and audit windows', () => {
  it('read since and until as the usage report does, so the same text is the same window', () => {
    const berlin = new BudgetCalendar('Europe/Berlin');
    const zone = (wall: number) => berlin.instantOf(wall);
    for (const [since, until] of [
      ['7d', '1h'],
      ['2026-12-01', '2027-01-01'],
      ['2027-02-28T08:00:00', `${NOW}`],
      ['2027-02-28T08:00:00+05:30', '2027-03-01T00:00:00Z'],
    ] as const) {
      const usage = parseUsageQuery({ since, until }, NOW, undefined, 'Europe/Berlin');
      const log = parseRequestQuery({ since, until }, NOW, zone);
      expect([log.since, log.until]).toEqual([usage.since, usage.until]);
    }
  });

  it('take a duration before now in the audit log as well, and name the parameter when a time is unreadable', () => {
    expect(parseAuditQuery({ since: '1h' }, NOW).since).toBe(NOW - 3_600_000);
    expect(parseAuditQuery({ since: '2027-03-01' }, NOW).since).toBe(Date.parse('2027-03-01T00:00:00Z'));
    expect(() => parseRequestQuery({ until: 'yesterday' }, NOW)).toThrow(/^until must be a duration before now/);
    expect(() => parseAuditQuery({ since: 'last week' }, NOW)).toThrow(/^since must be a duration before now/);
  });
});
