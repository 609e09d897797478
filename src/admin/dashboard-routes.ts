import type { FastifyInstance } from 'fastify';
import type { RoutingState } from '../routing/routing-state.js';
import { targetStatuses } from '../routing/target-status.js';
import type { GatewaySnapshot } from '../server/gateway-snapshot.js';
import type { Store } from '../store/store.js';
import { ROLLUP_DIMENSIONS, type RollupDimension, type RollupPoint } from '../telemetry/rollup.js';
import { rollupRetentionDays } from '../telemetry/rollup-retention.js';
import { clientUsage } from './client-usage.js';
import { type ChartPlan, figures, planChart, retentionMs, stepTimes } from './traffic-stats.js';

export interface DashboardDeps {
  store: Store;
  snapshot(): GatewaySnapshot;
  state: RoutingState;
  now?: () => number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WINDOWS = [
  { name: '5m', ms: 5 * MINUTE },
  { name: '1h', ms: HOUR },
  { name: '24h', ms: DAY },
  { name: '7d', ms: 7 * DAY },
] as const;
const RANGES: Record<string, number> = {
  '15m': 15 * MINUTE,
  '1h': HOUR,
  '6h': 6 * HOUR,
  '24h': DAY,
  '7d': 7 * DAY,
  '30d': 30 * DAY,
};

const USAGE_RANGES: Record<string, number> = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY };

function grainRetention(snapshot: GatewaySnapshot) {
  return retentionMs(rollupRetentionDays(snapshot.config));
}

/** The series a folded chart names "other": every group past the busiest `top - 1`. */
export const OTHER = 'other';

/**
 * Series per group over the plan's steps, gaps filled with zero points, the busiest group first. With `top`, a
 * chart keeps its `top - 1` busiest groups and folds the rest into one series, `other`, merged point by point
 * (histograms too, so its percentiles are exact): a chart has no more series than its palette has colours.
 */
export function seriesOf(points: readonly RollupPoint[], plan: ChartPlan, top = Number.POSITIVE_INFINITY) {
  const times = stepTimes(plan);
  const groups = new Map<string, { requests: number; byTime: Map<number, RollupPoint[]> }>();
  for (const point of points) {
    const key = point.group ?? 'all';
    const group = groups.get(key) ?? { requests: 0, byTime: new Map<number, RollupPoint[]>() };
    groups.set(key, group);
    group.requests += point.requests;
    group.byTime.set(point.time, [point]);
  }
  const ranked = [...groups].sort(([a, x], [b, y]) => y.requests - x.requests || (a < b ? -1 : 1));
  const kept = ranked.length > top ? ranked.slice(0, top - 1) : ranked;
  const folded = ranked.slice(kept.length);
  if (folded.length > 0) {
    const other = { requests: 0, byTime: new Map<number, RollupPoint[]>() };
    for (const [, group] of folded) {
      other.requests += group.requests;
      // Appended, not copied anew per group: a chart by client key may fold thousands of groups.
      for (const [t, at] of group.byTime) {
        const list = other.byTime.get(t);
        if (list) list.push(...at);
        else other.byTime.set(t, [...at]);
      }
    }
    kept.push([OTHER, other]);
  }
  return {
    series: kept.map(([group, { byTime }]) => ({
      group,
      points: times.map((t) => ({ t, ...figures(byTime.get(t) ?? []) })),
    })),
    folded: folded.map(([group, { requests }]) => ({ group, requests })),
  };
}

/** `top`: how many series a grouped chart shows at most, the last of them `other` (none: every group). */
function parseTop(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const top = Number(value);
  if (!Number.isInteger(top) || top < 2 || top > 100) throw new RangeError('top must be an integer from 2 to 100');
  return top;
}

function parseTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(parsed)) throw new RangeError(`${name} must be an ISO date-time or epoch milliseconds`);
  return parsed;
}

/** Overview, traffic charts, client usage and recent incidents: every figure from rollups, none from the request log. */
export async function dashboardRoutes(app: FastifyInstance, deps: DashboardDeps): Promise<void> {
  const now = deps.now ?? Date.now;

  app.get('/overview', async () => {
    const at = now();
    const snapshot = deps.snapshot();
    const windows = await Promise.all(
      WINDOWS.map(async (window) => {
        const plan = planChart(at - window.ms, at + 1, grainRetention(snapshot), at, 30);
        const points = await deps.store.queryRollups({ ...plan });
        const [series] = seriesOf(points, plan).series;
        return {
          window: window.name,
          ...figures(points),
          sparkline: (series?.points ?? stepTimes(plan).map((t) => ({ t, requests: 0 }))).map((p) => p.requests),
        };
      }),
    );
    const targets = targetStatuses(snapshot.targets, deps.state, at);
    return { time: new Date(at).toISOString(), windows, targets, incidents: await incidents(deps, at - DAY) };
  });

  app.get('/traffic', async (request) => {
    const query = request.query as Record<string, string | undefined>;
    const at = now();
    const range = RANGES[query.range ?? '1h'];
    if (range === undefined) throw new RangeError(`range must be one of ${Object.keys(RANGES).join(', ')}`);
    const until = parseTime(query.until, 'until') ?? at;
    const since = parseTime(query.since, 'since') ?? until - range;
    if (!(since < until) || until - since > 90 * DAY)
      throw new RangeError('since must be before until, at most 90 days apart');
    const group = query.group || undefined;
    if (group !== undefined && !ROLLUP_DIMENSIONS.includes(group as RollupDimension)) {
      throw new RangeError(`group must be one of ${ROLLUP_DIMENSIONS.join(', ')}`);
    }
    const top = parseTop(query.top);
    const plan = planChart(since, until, grainRetention(deps.snapshot()), at);
    const [points, classes] = await Promise.all([
      deps.store.queryRollups({ ...plan, groupBy: group as RollupDimension | undefined }),
      deps.store.queryRollups({ ...plan, groupBy: 'status_class' }),
    ]);
    const grouped = seriesOf(points, plan, top);
    return {
      since: new Date(plan.since).toISOString(),
      until: new Date(plan.until).toISOString(),
      grain: plan.grain,
      step_ms: plan.stepMs,
      group: group ?? null,
      totals: figures(points),
      series: grouped.series,
      /** The groups folded into `other`, busiest first, with their requests in the range. */
      folded: grouped.folded,
      status_classes: seriesOf(classes, plan).series.map((s) => ({
        group: s.group,
        points: s.points.map((p) => ({ t: p.t, requests: p.requests })),
      })),
    };
  });

  app.get('/clients/usage', async (request) => {
    const name = (request.query as { range?: string }).range ?? '24h';
    const range = USAGE_RANGES[name];
    if (range === undefined) throw new RangeError(`range must be one of ${Object.keys(USAGE_RANGES).join(', ')}`);
    const at = now();
    const data = await clientUsage(deps.store, range, grainRetention(deps.snapshot()), at);
    return { range: name, since: new Date(at - range).toISOString(), until: new Date(at).toISOString(), data };
  });

  app.get('/incidents', async (request) => {
    const since = parseTime((request.query as { since?: string }).since, 'since') ?? now() - DAY;
    return incidents(deps, since);
  });
}

const INCIDENT_ACTIONS = ['config.publish', 'config.rollback', 'config.guard'];

/**
 * What changed or went wrong: config publishes, rollbacks and guard decisions (audit log), fallbacks served
 * (request log, newest 20), and targets whose breaker is open or half-open now (routing state).
 */
async function incidents(deps: DashboardDeps, since: number) {
  const at = (deps.now ?? Date.now)();
  const [audits, fallbacks] = await Promise.all([
    Promise.all(INCIDENT_ACTIONS.map((action) => deps.store.listAudit({ limit: 20, action, since }))),
    deps.store.listRequests({ limit: 20, since, routeMode: 'fallback' }),
  ]);
  const changes = audits
    .flat()
    .sort((a, b) => b.seq - a.seq)
    .slice(0, 20)
    .map((r) => ({
      kind: r.action === 'config.guard' ? 'guard' : r.action === 'config.rollback' ? 'rollback' : 'publish',
      time: new Date(r.time).toISOString(),
      actor: r.actor,
      outcome: r.outcome,
      target: r.target,
      detail: JSON.parse(r.detail) as unknown,
    }));
  const breakers = targetStatuses(deps.snapshot().targets, deps.state, at)
    .filter((t) => t.state === 'cooling' || t.state === 'half-open')
    .map((t) => ({ kind: 'breaker', target: t.id, state: t.state, until: t.cooling_until, reason: t.reason }));
  return {
    changes,
    breakers,
    fallbacks: fallbacks.map((r) => ({
      kind: 'fallback',
      time: new Date(r.time).toISOString(),
      id: r.id,
      model: r.requestedModel,
      provider: r.provider,
      attempts: r.attempts.length,
      status: r.status,
    })),
  };
}
