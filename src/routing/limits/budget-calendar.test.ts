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

  it('begins a day at the clock change where midnight is skipped, and keeps each period around its instant', () => {
    // Santiago goes from -04:00 to -03:00 at 24:00 on 2025-09-06: Sunday begins at 01:00 local, 04:00 UTC.
    const santiago = new BudgetCalendar('America/Santiago');
    const saturday = santiago.dayAt(Date.parse('2025-09-07T03:30:00Z'));
    expect(saturday.id).toBe('2025-09-06');
    expect(new Date(saturday.endsAt).toISOString()).toBe('2025-09-07T04:00:00.000Z');
    const sunday = santiago.dayAt(saturday.endsAt);
    expect(sunday).toMatchObject({ id: '2025-09-07', startsAt: saturday.endsAt });
    // Havana goes from -05:00 to -04:00 at 24:00 on 2025-03-08.
    const havana = new BudgetCalendar('America/Havana').dayAt(Date.parse('2025-03-09T04:30:00Z'));
    expect(havana.id).toBe('2025-03-08');
    expect(new Date(havana.endsAt).toISOString()).toBe('2025-03-09T05:00:00.000Z');

    // Every hour of two years in zones with odd clock changes: the period holds the instant, names the zone's
    // date, and the next one starts where it ends.
    const wrong: string[] = [];
    for (const zone of ['America/Santiago', 'America/Havana', 'Australia/Lord_Howe']) {
      const calendar = new BudgetCalendar(zone);
      const format = new Intl.DateTimeFormat('en-CA', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
      for (let at = Date.parse('2025-01-01T00:00:00Z'); at < Date.parse('2027-01-01T00:00:00Z'); at += 3_600_000) {
        const day = calendar.dayAt(at);
        const month = calendar.monthAt(at);
        const holds = day.startsAt <= at && at < day.endsAt && month.startsAt <= at && at < month.endsAt;
        if (!holds || day.id !== format.format(at)) wrong.push(`${zone} at ${new Date(at).toISOString()}`);
      }
    }
    expect(wrong).toEqual([]);
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
