import { formatUsd } from '../telemetry/usd.js';

export const int = (n: number | null | undefined) =>
  n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US');
export const ms = (n: number | null | undefined) =>
  n === null || n === undefined ? '–' : n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`;
export const pct = (n: number | null | undefined) =>
  n === null || n === undefined ? '–' : `${(n * 100).toFixed(n < 0.01 && n > 0 ? 2 : 1)}%`;
/** The CLI's digits (`amg usage`), so a cost on a page can be compared with the report's. */
export const usd = (n: number | null | undefined) => (n === null || n === undefined ? '–' : `$${formatUsd(n)}`);
export const time = (iso: string | number) => new Date(iso).toLocaleString('en-GB', { hour12: false });
export const clock = (iso: string | number) => new Date(iso).toLocaleTimeString('en-GB', { hour12: false });
/**
 * A row's time in a long list: the time of day for today, with the date before it for any other day, so a page
 * of older rows (or one read just after midnight) is never mistaken for today's.
 */
export const stamp = (iso: string | number, now = Date.now()) => {
  const at = new Date(iso);
  if (at.toDateString() === new Date(now).toDateString()) return clock(iso);
  return `${at.toLocaleDateString('en-GB', { day: '2-digit', month: 'short' })} ${clock(iso)}`;
};
