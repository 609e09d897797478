/** One calendar period of a budget: its id (part of the counter's key) and when it ends (epoch ms). */
export interface BudgetPeriod {
  readonly id: string;
  readonly startsAt: number;
  readonly endsAt: number;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
}

/**
 * Days and months of budgets in one IANA time zone. The current period is cached until it ends, so a request
 * pays a comparison, not an Intl call; the zone's offset is looked up only when a period turns over.
 */
export class BudgetCalendar {
  /** Made on first use: an Intl formatter maps ~6 MB of ICU data, which a gateway without budgets never needs. */
  private format: Intl.DateTimeFormat | undefined;
  private day: BudgetPeriod = { id: '', startsAt: 0, endsAt: Number.NEGATIVE_INFINITY };
  private month: BudgetPeriod = { id: '', startsAt: 0, endsAt: Number.NEGATIVE_INFINITY };

  constructor(readonly timeZone: string) {}

  dayAt(now: number): BudgetPeriod {
    if (now < this.day.endsAt && now >= this.day.startsAt) return this.day;
    const { year, month, day } = this.wallClock(now);
    this.day = {
      id: `${year}-${pad(month)}-${pad(day)}`,
      startsAt: this.midnight(year, month, day),
      endsAt: this.midnight(year, month, day + 1),
    };
    return this.day;
  }

  monthAt(now: number): BudgetPeriod {
    if (now < this.month.endsAt && now >= this.month.startsAt) return this.month;
    const { year, month } = this.wallClock(now);
    this.month = {
      id: `${year}-${pad(month)}`,
      startsAt: this.midnight(year, month, 1),
      endsAt: this.midnight(year, month + 1, 1),
    };
    return this.month;
  }

  /**
   * The instant the zone's wall clock shows `wall` (that date and time as Date.UTC gives it). A time a clock
   * change skips reads at the offset before the change; one shown twice, at its second showing.
   */
  instantOf(wall: number): number {
    // Twice: the offset at the first guess may differ from the one at `wall` when a DST change lies between.
    const guess = wall - this.offsetAt(wall);
    return wall - this.offsetAt(guess);
  }

  private parts(ms: number): Record<string, number> {
    if (this.timeZone === 'UTC') {
      const d = new Date(ms);
      const [hour, minute, second] = [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
      return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour, minute, second };
    }
    this.format ??= new Intl.DateTimeFormat('en-US', {
      timeZone: this.timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const out: Record<string, number> = {};
    for (const part of this.format.formatToParts(ms)) if (part.type !== 'literal') out[part.type] = Number(part.value);
    return out;
  }

  private wallClock(ms: number): WallClock {
    const p = this.parts(ms);
    return { year: p.year as number, month: p.month as number, day: p.day as number };
  }

  /** How far the zone's wall clock is ahead of UTC at `ms`. */
  private offsetAt(ms: number): number {
    const p = this.parts(ms);
    const wall = Date.UTC(p.year as number, (p.month as number) - 1, p.day, p.hour, p.minute, p.second);
    return wall - Math.floor(ms / 1000) * 1000;
  }

  /**
   * The first instant of that date in the zone (month and day may overflow, as in Date.UTC): where the wall clock
   * shows 00:00, or, in zones whose clocks skip midnight (Chile's and Cuba's spring change goes from 24:00 to
   * 01:00), the instant of the change.
   */
  private midnight(year: number, month: number, day: number): number {
    const wall = Date.UTC(year, month - 1, day);
    const found = this.instantOf(wall);
    if (this.wallDay(found) >= wall) return found;
    // 00:00 does not exist that day: `found` is still in the day before (23:00 at the old offset). The day begins
    // at the change, at most a few hours later; find it to the millisecond (once a day, not per request).
    let before = found;
    let after = found + MAX_SKIP_MS;
    while (after - before > 1) {
      const middle = Math.floor((before + after) / 2);
      if (this.wallDay(middle) >= wall) after = middle;
      else before = middle;
    }
    return after;
  }

  /** The zone's date at `ms`, as the epoch ms of that date's 00:00 in UTC (comparable to Date.UTC of a date). */
  private wallDay(ms: number): number {
    const p = this.parts(ms);
    return Date.UTC(p.year as number, (p.month as number) - 1, p.day as number);
  }
}

/** Longer than any clock change skips (they are an hour, or 30 minutes at Lord Howe). */
const MAX_SKIP_MS = 3 * 3_600_000;

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
