import { hashToken } from '../../auth/token-hash.js';
import { costOf as usageCost } from '../../cost/cost-of.js';
import type { ModelPrice } from '../../cost/model-price.js';
import type { TrafficRow } from '../../telemetry/traffic-summary.js';
import type { GatewayConfig } from '../schema.js';
import { priceOf, targetShares } from './routing-table.js';

/** Requests that would find no model, bucketed under this pseudo-provider. */
export const UNKNOWN_MODEL = '(unknown model)';
const DAY_MS = 86_400_000;

export interface ProviderShift {
  provider: string;
  current: { requests: number; share: number };
  draft: { requests: number; share: number };
}

export interface ModelCost {
  model: string;
  currentPerDay: number | null;
  draftPerDay: number | null;
}

export interface ImpactPreview {
  /** Routed requests in the window (requests that named a model). */
  requests: number;
  /** Models the active config serves that the draft does not, with their requests in the window. */
  unknownModels: Array<{ model: string; requests: number }>;
  /** Requests per provider when replayed through the active config's routing and through the draft's. */
  providers: ProviderShift[];
  /** Config-declared clients whose tokens would stop working, with their requests in the window. */
  lostClients: Array<{ client: string; reason: 'removed' | 'token changed'; requests: number }>;
  cost: {
    currentPerDay: number | null;
    draftPerDay: number | null;
    byModel: ModelCost[];
    /** Targets the draft would send tokens to without a price, so the draft's cost leaves them out. */
    unpriced: string[];
  };
}

interface ModelTraffic {
  requests: number;
  tokens: Pick<TrafficRow, 'inputTokens' | 'outputTokens' | 'cachedTokens' | 'cacheWriteTokens'>;
}

function byModel(traffic: readonly TrafficRow[]): Map<string, ModelTraffic> {
  const models = new Map<string, ModelTraffic>();
  for (const row of traffic) {
    const entry = models.get(row.model) ?? {
      requests: 0,
      tokens: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0 },
    };
    entry.requests += row.requests;
    entry.tokens.inputTokens += row.inputTokens;
    entry.tokens.outputTokens += row.outputTokens;
    entry.tokens.cachedTokens += row.cachedTokens;
    entry.tokens.cacheWriteTokens += row.cacheWriteTokens;
    models.set(row.model, entry);
  }
  return models;
}

/** USD for the tokens at a price per million; input tokens include cached and cache-write tokens. */
export function tokenCost(tokens: ModelTraffic['tokens'], price: ModelPrice): number {
  return usageCost(tokens, price);
}

/** Expected requests per provider when `traffic` is routed by `config`. */
function replay(config: GatewayConfig, models: Map<string, ModelTraffic>): Map<string, number> {
  const perProvider = new Map<string, number>();
  const add = (provider: string, requests: number): void => {
    perProvider.set(provider, (perProvider.get(provider) ?? 0) + requests);
  };
  for (const [name, traffic] of models) {
    const model = config.models.find((m) => m.name === name);
    if (!model) {
      add(UNKNOWN_MODEL, traffic.requests);
      continue;
    }
    const shares = targetShares(model);
    model.targets.forEach((target, index) => {
      add(target.provider, traffic.requests * (shares[index] ?? 0));
    });
  }
  return perProvider;
}

/** Cost of serving `traffic` with `config`, and the targets it would need a price for. */
function costOf(config: GatewayConfig, name: string, traffic: ModelTraffic, unpriced: Set<string>): number | null {
  const model = config.models.find((m) => m.name === name);
  if (!model) return null;
  const shares = targetShares(model);
  let total: number | null = null;
  model.targets.forEach((target, index) => {
    const share = shares[index] ?? 0;
    if (share === 0) return;
    const price = priceOf(config, target.provider, target.model);
    if (!price) {
      unpriced.add(`${target.provider}/${target.model}`);
      return;
    }
    total = (total ?? 0) + share * tokenCost(traffic.tokens, price);
  });
  return total;
}

function clientDigests(config: GatewayConfig): Map<string, string> {
  return new Map(config.clients.map((c) => [c.name, c.token_sha256?.toLowerCase() ?? hashToken(c.token ?? '')]));
}

function lostClients(current: GatewayConfig, draft: GatewayConfig, traffic: readonly TrafficRow[]) {
  const before = clientDigests(current);
  const after = clientDigests(draft);
  const lost: ImpactPreview['lostClients'] = [];
  for (const [client, digest] of before) {
    const next = after.get(client);
    if (next === digest) continue;
    const requests = traffic.filter((row) => row.client === client).reduce((sum, row) => sum + row.requests, 0);
    lost.push({ client, reason: next === undefined ? 'removed' : 'token changed', requests });
  }
  return lost;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

function providerShifts(current: Map<string, number>, draft: Map<string, number>, total: number): ProviderShift[] {
  const names = [...new Set([...current.keys(), ...draft.keys()])].sort();
  const part = (requests: number) => ({ requests: round(requests), share: total ? round(requests / total, 4) : 0 });
  return names
    .map((provider) => ({
      provider,
      current: part(current.get(provider) ?? 0),
      draft: part(draft.get(provider) ?? 0),
    }))
    .filter((row) => row.current.requests > 0 || row.draft.requests > 0);
}

/**
 * What a draft config would change, computed from recorded request metadata (no request is sent anywhere):
 * the window's traffic per model is replayed through the active config's routing and through the draft's.
 */
export function impactPreview(
  current: GatewayConfig,
  draft: GatewayConfig,
  traffic: readonly TrafficRow[],
  windowMs: number,
): ImpactPreview {
  const models = byModel(traffic);
  const total = [...models.values()].reduce((sum, model) => sum + model.requests, 0);
  const perDay = (usd: number | null) => (usd === null ? null : round((usd * DAY_MS) / windowMs, 4));
  const unpriced = new Set<string>();
  const byModelCost: ModelCost[] = [];
  for (const [name, traffic] of models) {
    const currentCost = costOf(current, name, traffic, new Set());
    const draftCost = costOf(draft, name, traffic, unpriced);
    if (currentCost !== null || draftCost !== null) {
      byModelCost.push({ model: name, currentPerDay: perDay(currentCost), draftPerDay: perDay(draftCost) });
    }
  }
  const sum = (key: 'currentPerDay' | 'draftPerDay') =>
    byModelCost.some((m) => m[key] !== null)
      ? round(
          byModelCost.reduce((s, m) => s + (m[key] ?? 0), 0),
          4,
        )
      : null;
  const knownNow = new Set(current.models.map((m) => m.name));
  const knownDraft = new Set(draft.models.map((m) => m.name));
  return {
    requests: total,
    unknownModels: [...models]
      .filter(([name]) => knownNow.has(name) && !knownDraft.has(name))
      .map(([model, traffic]) => ({ model, requests: traffic.requests })),
    providers: providerShifts(replay(current, models), replay(draft, models), total),
    lostClients: lostClients(current, draft, traffic),
    cost: {
      currentPerDay: sum('currentPerDay'),
      draftPerDay: sum('draftPerDay'),
      byModel: byModelCost.sort((a, b) => a.model.localeCompare(b.model)),
      unpriced: [...unpriced].sort(),
    },
  };
}
