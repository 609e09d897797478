import type { ModelRoute, RouteTarget } from './route-table.js';
import type { RoutingState } from './routing-state.js';

/** Share of least-latency requests sent to a random target, so a recovered or slow-to-warm target is re-measured. */
export const EXPLORATION_RATE = 0.05;
/** A target without a success for this long is re-measured first. */
const STALE_MS = 60_000;

export interface CandidateContext {
  state: RoutingState;
  now: number;
  random: () => number;
  /** Target pinned to this session, if any. */
  stickyTargetId?: string | undefined;
}

function isAvailable(target: RouteTarget, context: CandidateContext): boolean {
  return context.state.target(target.id).breaker.state(context.now) !== 'open';
}

/**
 * Targets whose provider has its key first, in their order: balancing strategies choose among the targets
 * that can answer, so a provider left without its key is never picked first (it would add a failed attempt
 * to every request). Ordered fallback keeps the operator's order as written.
 */
function configuredFirst(targets: readonly RouteTarget[]): RouteTarget[] {
  const configured = targets.filter((t) => t.provider.configured);
  return configured.length === targets.length
    ? [...targets]
    : [...configured, ...targets.filter((t) => !t.provider.configured)];
}

function weightedOrder(route: ModelRoute, context: CandidateContext): RouteTarget[] {
  const configured = route.targets.filter((t) => t.provider.configured);
  const eligible = configured.filter((t) => isAvailable(t, context));
  const pool = eligible.length > 0 ? eligible : configured.length > 0 ? configured : route.targets;
  const index = context.state.pickWeighted(
    route.name,
    pool.map((t) => t.id),
    pool.map((t) => t.weight),
  );
  const first = pool[index] as RouteTarget;
  return [first, ...configuredFirst(route.targets.filter((t) => t !== first))];
}

function latencyOrder(route: ModelRoute, context: CandidateContext): RouteTarget[] {
  const targets = configuredFirst(route.targets);
  const explorable = targets.filter((t) => t.provider.configured).length;
  if (explorable > 1 && context.random() < EXPLORATION_RATE) {
    const [explored] = targets.splice(Math.floor(context.random() * explorable), 1);
    return [explored as RouteTarget, ...targets];
  }
  const score = (target: RouteTarget): number => {
    const stats = context.state.target(target.id).stats;
    if (stats.ewmaMs === undefined || context.now - stats.lastSuccessAt > STALE_MS) return -1;
    return stats.ewmaMs;
  };
  const scored = (target: RouteTarget) => (target.provider.configured ? score(target) : Number.POSITIVE_INFINITY);
  return targets.sort((a, b) => scored(a) - scored(b));
}

/**
 * The order in which a request tries the model's targets: by strategy (config order, smooth weighted
 * round-robin, or lowest latency), then the session's sticky target moved to the front.
 */
export function orderCandidates(route: ModelRoute, context: CandidateContext): RouteTarget[] {
  let order: RouteTarget[];
  if (route.targets.length === 1) order = route.targets as RouteTarget[];
  else if (route.strategy === 'weighted') order = weightedOrder(route, context);
  else if (route.strategy === 'least-latency') order = latencyOrder(route, context);
  else order = route.targets as RouteTarget[];
  const sticky = context.stickyTargetId;
  if (sticky && order[0]?.id !== sticky) {
    const pinned = order.find((t) => t.id === sticky);
    if (pinned && isAvailable(pinned, context)) order = [pinned, ...order.filter((t) => t !== pinned)];
  }
  return order;
}

/** The targets not cooling: `order` itself when all are (no copy on every request of a healthy route). */
function availableTargets(order: readonly RouteTarget[], context: CandidateContext): readonly RouteTarget[] {
  let open: RouteTarget[] | undefined;
  for (let i = 0; i < order.length; i++) {
    const target = order[i] as RouteTarget;
    const available = context.state.target(target.id).breaker.available(context.now);
    if (!available && !open) open = order.slice(0, i);
    else if (available && open) open.push(target);
  }
  return open ?? order;
}

/**
 * Targets a request may try now: those not cooling (nor half-open with their one trial request in flight);
 * when no target is, the one that recovers soonest (so the gateway never fails closed without an attempt,
 * whether the others are open or being probed).
 */
export function admissibleTargets(
  order: readonly RouteTarget[],
  context: CandidateContext,
): { targets: readonly RouteTarget[]; forced: boolean } {
  const open = availableTargets(order, context);
  if (open.length > 0) return { targets: open, forced: false };
  let soonest = order[0] as RouteTarget;
  for (const target of order) {
    if (context.state.target(target.id).breaker.coolingUntil < context.state.target(soonest.id).breaker.coolingUntil) {
      soonest = target;
    }
  }
  return { targets: [soonest], forced: true };
}
