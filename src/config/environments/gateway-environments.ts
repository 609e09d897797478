import type { Store } from '../../store/store.js';
import { type Env, expandTree } from '../env-expand.js';

/** What a running gateway tells the store about itself: where it runs and the NAMES of its variables. */
export interface GatewayReport {
  id: string;
  host: string;
  pid: number;
  url: string;
  /** Its admin API's origin when it differs from `url` (server.admin_listen); absent in reports before it was added. */
  adminUrl?: string;
  /** When it last reported (epoch ms); a gateway silent for longer than LIVE_MS is taken as gone. */
  seenAt: number;
  /** Names of the environment variables set in its process; never their values. */
  envNames: string[];
}

export const REPORT_PREFIX = 'gateway.instance.';
/** Gateways report every 5 s; three missed reports mean it is gone. */
export const REPORT_INTERVAL_MS = 5_000;
export const LIVE_MS = 15_000;

type ReportStore = Pick<Store, 'listMeta'>;

/** The gateways that reported within LIVE_MS, except `self`. */
export async function liveGateways(store: ReportStore, now: number, self?: string): Promise<GatewayReport[]> {
  const rows = await store.listMeta(REPORT_PREFIX);
  const reports: GatewayReport[] = [];
  for (const row of rows) {
    try {
      const report = JSON.parse(row.value) as GatewayReport;
      if (report.id !== self && now - report.seenAt <= LIVE_MS) reports.push(report);
    } catch {
      // A report this version cannot read says nothing about variables.
    }
  }
  return reports;
}

/** The names of the variables set in `env` (values stay in this process). */
export function envNames(env: Env): string[] {
  return Object.keys(env).filter((name) => env[name] !== undefined);
}

export interface UnsetInGateway {
  gateway: GatewayReport;
  variables: string[];
}

/**
 * The variables a config tree needs (referenced without a default) that a running gateway does not have: it
 * would refuse the revision (apply_error) while the publisher's own environment made it look fine.
 */
export function unsetInGateways(tree: unknown, gateways: readonly GatewayReport[]): UnsetInGateway[] {
  const result: UnsetInGateway[] = [];
  for (const gateway of gateways) {
    const env = Object.fromEntries(gateway.envNames.map((name) => [name, 'set']));
    const missing = [...new Set(expandTree(tree, env).problems.map((problem) => problem.variable))];
    if (missing.length > 0) result.push({ gateway, variables: missing.sort() });
  }
  return result;
}

/** "FOO is not set in the gateway on host:pid (url)", one clause per gateway. */
export function describeUnset(unset: readonly UnsetInGateway[]): string {
  return unset
    .map(({ gateway, variables }) => {
      const names = variables.join(', ');
      return `${names} ${variables.length === 1 ? 'is' : 'are'} not set in the running gateway ${gateway.host}:${gateway.pid} (${gateway.url})`;
    })
    .join('; ');
}
