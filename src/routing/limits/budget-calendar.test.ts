import { describe, expect, it } from 'vitest';
import { BudgetCalendar } from './budget-calendar.js';

describe('BudgetCalendar', () => {
  it('ends a Berlin day at local midnight, not UTC midnight', () => {
    const calendar = new BudgetCalendar('Europe/Berlin');
    const day = calendar.dayAt(Date.parse('2026-12-04T23:30:00Z'));
    expect(day.id).toBe('2026-12-05');
    expect(new Date(day.endsAt).toISOString()).toBe('2026-12-05T23:00:00.000Z');
  });

  it('ends a month on the first of the next month in the zone, across a year end', () => {
    const calendar = new BudgetCalendar('America/New_York');
    const month = calendar.monthAt(Date.parse('2026-12-31T12:00:00Z'));
    expect(month.id).toBe('2026-12');
    expect(new Date(month.endsAt).toISOString()).toBe('2027-01-01T05:00:00.000Z');
  });

  it('gets the day after a DST change right', () => {
    const calendar = new BudgetCalendar('Europe/Berlin');
    // 2026-03-29: clocks go from +01:00 to +02:00 at 02:00 local; the day after starts at 22:00 UTC.
    const day = calendar.dayAt(Date.parse('2026-03-29T12:00:00Z'));
    expect(new Date(day.endsAt).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(calendar.dayAt(day.endsAt).id).toBe('2026-03-30');
  });

  it('uses UTC days in UTC', () => {
    const calendar = new BudgetCalendar('UTC');
    const day = calendar.dayAt(Date.parse('2026-12-04T23:59:59Z'));
    expect(day).toEqual({
      id: '2026-12-04',
      startsAt: Date.parse('2026-12-04T00:00:00Z'),
      endsAt: Date.parse('2026-12-05T00:00:00Z'),
    });
  });

  it('gives the same UTC periods without Intl as Etc/UTC through Intl', () => {
    const plain = new BudgetCalendar('UTC');
    const viaIntl = new BudgetCalendar('Etc/UTC');
    for (const at of [
      '2026-12-31T23:59:59.999Z',
      '2027-01-01T00:00:00Z',
      '2028-02-29T12:00:00Z',
      '2026-03-01T00:00:01Z',
    ]) {
      const ms = Date.parse(at);
      expect(plain.dayAt(ms)).toEqual(viaIntl.dayAt(ms));
      expect(plain.monthAt(ms)).toEqual(viaIntl.monthAt(ms));
    }
  });
});
