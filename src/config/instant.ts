import { parseDuration } from './duration.js';

/** An ISO 8601 date, or date and time, with an optional offset (`Z`, `+01:00`). */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Turns a wall-clock time (its fields read as if UTC) into the instant it is in some zone. */
export type WallClockZone = (wall: number) => number;

const UTC: WallClockZone = (wall) => wall;

/**
 * A time as an operator types it in a report's window: `7d`, `24h` (that long before now), an ISO date or
 * date-time, or epoch milliseconds. One reading for the usage report, the request log and the audit log, so the
 * same `since` means the same instant in each (a usage total is checked against the request log's sum). A date
 * or date-time without an offset is read in `zone` (UTC unless the caller names one), never in the zone of
 * whichever machine parses it.
 */
export function parseInstant(value: string, name: string, now: number, zone: WallClockZone = UTC): number {
  const ago = parseDuration(value);
  if (ago !== undefined) return now - ago;
  if (/^\d+$/.test(value)) return Number(value);
  const iso = ISO_INSTANT.exec(value.trim());
  const parsed = !iso ? Number.NaN : iso[8] ? Date.parse(value.trim().replace(' ', 'T')) : wallClockIn(iso, zone);
  if (Number.isNaN(parsed)) {
    throw new RangeError(`${name} must be a duration before now (7d, 24h), an ISO date-time or epoch milliseconds`);
  }
  return parsed;
}

function wallClockIn(iso: RegExpExecArray, zone: WallClockZone): number {
  const [year, month, day, hour, minute, second] = iso.slice(1, 7).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((iso[7] ?? '0').padEnd(3, '0'));
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC rolls 2026-02-30 over into March: a date or time that does not exist is a mistake, not another one.
  const check = new Date(wall);
  if (check.getUTCDate() !== day || check.getUTCHours() !== hour || check.getUTCMinutes() !== minute) return Number.NaN;
  return zone(wall);
}
