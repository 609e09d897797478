import { parseInstant } from '../config/instant.js';
import { BudgetCalendar } from '../routing/limits/budget-calendar.js';
import type { Store } from '../store/store.js';
import {
  addTotals,
  emptyTotals,
  USAGE_GROUPS,
  type UsageGroup,
  type UsageQuery,
  type UsageRow,
  type UsageTotals,
} from '../telemetry/usage-summary.js';

/** The longest window one report covers: a year of requests is still one grouped scan. */
const MAX_WINDOW_MS = 366 * 86_400_000;

/** What the usage query's parameters are called where the user typed them: the admin API's query, or flags. */
export interface UsageParameterNames {
  group_by: string;
  since: string;
  until: string;
}

export const USAGE_API_NAMES: UsageParameterNames = { group_by: 'group_by', since: 'since', until: 'until' };

/** `amg usage`'s flags: its errors name what the user typed, not the API parameters it sends. */
export const USAGE_FLAG_NAMES: UsageParameterNames = { group_by: '--by', since: '--since', until: '--until' };

/** The usage query of `?group_by=&since=&until=` (default: by key over the last 7 days). */
export function parseUsageQuery(
  params: Record<string, string | undefined>,
  now: number,
  names: UsageParameterNames = USAGE_API_NAMES,
  timeZone = 'UTC',
): UsageQuery {
  const calendar = new BudgetCalendar(timeZone);
  const groupBy = (params.group_by ?? 'key') as UsageGroup;
  if (!USAGE_GROUPS.includes(groupBy)) {
    throw new RangeError(`${names.group_by} must be one of ${USAGE_GROUPS.join(', ')} (got "${groupBy}")`);
  }
  const zone = (wall: number) => calendar.instantOf(wall);
  const since = parseInstant(params.since || '7d', names.since, now, zone);
  const until = params.until ? parseInstant(params.until, names.until, now, zone) : now + 1;
  if (since >= until) throw new RangeError(`${names.since} must be before ${names.until}`);
  if (until - since > MAX_WINDOW_MS) {
    throw new RangeError(`${names.since} to ${names.until} is at most 366 days`);
  }
  return { groupBy, since, until };
}

export interface UsageReport {
  group_by: UsageGroup;
  since: string;
  until: string;
  data: UsageRow[];
  /** Over all requests of the window (for tags, not the sum of the rows: a request counts under each tag). */
  total: UsageTotals;
}

/** The usage report the admin API, the CLI and the Admin UI show. */
export async function usageReport(store: Store, query: UsageQuery): Promise<UsageReport> {
  const data = await store.summarizeUsage(query);
  const total = emptyTotals();
  const rows = query.groupBy === 'tag' ? await store.summarizeUsage({ ...query, groupBy: 'key' }) : data;
  for (const row of rows) addTotals(total, row);
  return {
    group_by: query.groupBy,
    since: new Date(query.since).toISOString(),
    until: new Date(query.until).toISOString(),
    data,
    total,
  };
}
