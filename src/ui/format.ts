import { formatUsd } from '../telemetry/usd.js';

/** Nothing to show: absent, or a value no figure can be made of (NaN, Infinity), shown as a dash, never as "NaN". */
const absent = (n: number | null | undefined): n is null | undefined =>
  n === null || n === undefined || !Number.isFinite(n);
export const int = (n: number | null | undefined) => (absent(n) ? '–' : Math.round(n).toLocaleString('en-US'));
/** A duration: ms, seconds from 10 s, minutes from 10 min (a 600,000 ms call reads "10.0 min", not "600.0 s"). */
export const ms = (n: number | null | undefined) =>
  absent(n)
    ? '–'
    : n >= 600_000
      ? `${(n / 60_000).toFixed(1)} min`
      : n >= 10_000
        ? `${(n / 1000).toFixed(1)} s`
        : `${Math.round(n)} ms`;
export const pct = (n: number | null | undefined) =>
  absent(n) ? '–' : `${(n * 100).toFixed(n < 0.01 && n > 0 ? 2 : 1)}%`;
/**
 * The CLI's digits (`amg usage`), so a cost on a page can be compared with the report's, with the thousands
 * grouped as every other figure on the page is: $372,802.92, not $372802.92.
 */
export const usd = (n: number | null | undefined) => {
  if (absent(n)) return '–';
  const digits = formatUsd(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))(?<!\.\d*)/g, ',');
  return `${n < 0 ? '-' : ''}$${digits}`;
};
const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const SMALL = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });
/**
 * A chart's value axis label, short enough for the axis: from a thousand on in short form ("6B", "372.8K";
 * uPlot's own "6,000,000,000" is cut off at the chart's edge), below it with the digits a small figure needs
 * (uPlot's own writes a cost axis in steps of $0.000001 as 0, 0, 0).
 */
export const axisNumber = (n: number | null) =>
  n === null ? '' : Math.abs(n) >= 1000 ? COMPACT.format(n) : SMALL.format(n);
/** The value under a chart's cursor, in full: grouped from a thousand on, a small one with its digits. */
export const chartNumber = (n: number) =>
  Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en-US') : SMALL.format(n);
const DAY = { day: '2-digit', month: 'short', year: 'numeric' } as const;
const valid = (at: Date) => !Number.isNaN(at.getTime());
/**
 * Every time on every page is in the browser's time zone, which the header states (`timeZone`); dates spell the
 * month ("06 Dec 2026"), so 06/12 is never read as June.
 */
export const day = (iso: string | number) => {
  const at = new Date(iso);
  return valid(at) ? at.toLocaleDateString('en-GB', DAY) : '–';
};
export const clock = (iso: string | number) => {
  const at = new Date(iso);
  return valid(at) ? at.toLocaleTimeString('en-GB', { hour12: false }) : '–';
};
export const time = (iso: string | number) => (valid(new Date(iso)) ? `${day(iso)}, ${clock(iso)}` : '–');
/** The browser's time zone, as the header states it: "Europe/Berlin (CET)", or "UTC". */
export function timeZone(now = new Date()): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'local time';
  const short = new Intl.DateTimeFormat('en-GB', { timeZoneName: 'short' })
    .formatToParts(now)
    .find((part) => part.type === 'timeZoneName')?.value;
  return short && short !== zone ? `${zone} (${short})` : zone;
}
/**
 * A row's time in a long list: the time of day for today, with the date before it for any other day, so a page
 * of older rows (or one read just after midnight) is never mistaken for today's.
 */
export const stamp = (iso: string | number, now = Date.now()) => {
  const at = new Date(iso);
  if (!valid(at) || at.toDateString() === new Date(now).toDateString()) return clock(iso);
  return `${at.toLocaleDateString('en-GB', { day: '2-digit', month: 'short' })} ${clock(iso)}`;
};
/** "06 Dec": a chart axis's date, the month spelled as everywhere else. */
const dayMonth = (at: Date) => at.toLocaleDateString('en-GB', { day: '2-digit', month: 'short' });
/**
 * A time chart's axis labels (`splits` in epoch seconds, `step` the seconds between them) in the page's words:
 * the 24-hour clock, and the day as "06 Dec" under the first label and wherever the day changes (uPlot's own
 * "9:30am" over "12/6/26" reads 12 June to most of the world); a day or more apart, the day alone.
 */
export function axisTimes(splits: readonly number[], step: number): string[] {
  let lastDay = '';
  return splits.map((seconds) => {
    const at = new Date(seconds * 1000);
    const date = dayMonth(at);
    if (step >= 86_400) return date;
    const clockText = at.toLocaleTimeString('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      ...(step < 60 ? { second: '2-digit' } : {}),
      hour12: false,
    });
    const newDay = date !== lastDay;
    lastDay = date;
    return newDay ? `${clockText}\n${date}` : clockText;
  });
}
