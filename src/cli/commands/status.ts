import type { Command } from 'commander';
import { formatDuration } from '../../config/duration.js';
import type { TargetStatus } from '../../routing/target-status.js';
import { adminApiUrl } from '../admin-url.js';
import { configPathFrom } from '../config-path.js';
import { fetchGateway } from '../reach-gateway.js';
import { gatewayAdminUrl } from '../running-gateway.js';
import { table } from '../table.js';
import type { AdminConnectionOptions } from './keys.js';

interface ProvidersPayload {
  health_checks: { enabled: boolean; interval_s: number };
  data: Array<{ name: string; type: string; configured: boolean; missing_env: string | null; targets: TargetStatus[] }>;
}

async function fetchJson<T>(url: string, token: string): Promise<T> {
  const response = await fetchGateway(url, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json().catch(() => ({}))) as T & { error?: { message?: string } };
  if (!response.ok) throw new Error(body.error?.message ?? `HTTP ${response.status} from ${url}`);
  return body;
}

const percent = (value: number | null) => (value === null ? '-' : `${Math.round(value * 100)}%`);
const millis = (value: number | null) => (value === null ? '-' : `${Math.round(value)}ms`);

function stateCell(target: TargetStatus, now: number): string {
  if (target.state !== 'cooling') return target.state;
  const seconds = Math.max(0, Math.ceil((Date.parse(target.cooling_until ?? '') - now) / 1000));
  return `cooling ${seconds}s`;
}

interface ConfigStatus {
  path?: string;
  revision?: number | null;
  file?: {
    state: string;
    active_revision?: number | null;
    file_revision: number | null;
    changes?: number;
    error?: string;
  };
  guard?: { revision: number; state: string; models: string[]; detail: string } | null;
  apply_error?: { revision: number; error: string };
}

/** Which revision runs, and whether the config file says the same (GitOps drift). */
export function renderConfigStatus(config: ConfigStatus): string[] {
  const file = config.file;
  const active = file?.active_revision;
  // The file is compared with the store's active revision, which a gateway applies within seconds of a publish.
  const pending = active !== undefined && active !== null && active !== config.revision;
  const it = pending ? `active revision ${active}` : 'it';
  const fileLine =
    file?.state === 'same'
      ? `the config file matches ${it}`
      : file?.state === 'differs'
        ? `the config file ${config.path ?? ''} DIFFERS from ${it} (${file.changes} ${file.changes === 1 ? 'change' : 'changes'}; last published from the file: revision ${file.file_revision ?? '-'}); publish it with amg config publish or SIGHUP`
        : `the config file cannot be read: ${file?.error ?? 'unknown'}`;
  const running = `revision ${config.revision ?? '-'} is running${pending ? ` (revision ${active} is active in the store and is being applied)` : ''}`;
  const lines = [`  config: ${running}; ${fileLine}`];
  if (config.apply_error) {
    lines.push(
      `  config: active revision ${config.apply_error.revision} cannot be applied here: ${config.apply_error.error}`,
    );
  }
  if (config.guard) {
    const guard = config.guard;
    lines.push(
      `  guard: revision ${guard.revision} ${guard.state} (${guard.models.join(', ') || 'no models'}): ${guard.detail}`,
    );
  }
  return lines;
}

interface LimitsStatus {
  backend: string;
  state: string;
  location?: string;
  since?: string;
  detail?: string;
  budget_timezone?: string;
}

/** Where key limits are counted, and loudly when Redis is configured but unreachable. */
export function renderLimitsStatus(limits: LimitsStatus): string {
  const zone = `budget days in ${limits.budget_timezone ?? 'UTC'}`;
  if (limits.backend !== 'redis') return `  limits: counted in this process; ${zone}`;
  if (limits.state === 'ok') return `  limits: shared through redis ${limits.location ?? ''}; ${zone}`;
  return `  limits: DEGRADED since ${limits.since ?? '?'}: ${limits.detail ?? 'redis unreachable'}; ${zone}`;
}

/** "up 3d4h12m5s": an uptime of days read as 277925s tells an operator nothing at a glance. */
function uptime(seconds: unknown): string {
  if (typeof seconds !== 'number') return '?';
  return seconds < 1 ? '0s' : formatDuration(seconds * 1_000);
}

/** The batch writer's counters in words, not as the JSON object the API carries. */
export function renderTelemetryStatus(telemetry: { pending?: number; written?: number; dropped?: number }): string {
  const count = (n: number | undefined) => (n ?? 0).toLocaleString('en-US');
  return `  telemetry: ${count(telemetry.written)} ${telemetry.written === 1 ? 'record' : 'records'} written, ${count(telemetry.pending)} pending, ${count(telemetry.dropped)} dropped`;
}

export function renderStatus(status: Record<string, unknown>, providers: ProvidersPayload, now = Date.now()): string {
  const lines = [
    `AI Model Gateway ${String(status.version ?? '')} — up ${uptime(status.uptime_s)}, ${String(status.in_flight ?? 0)} in flight`,
  ];
  // Shown first and in capitals: this one loses data until someone acts.
  if (typeof status.storage_problem === 'string') lines.push(`  STORE PROBLEM: ${status.storage_problem}`);
  if (status.config && typeof status.config === 'object')
    lines.push(...renderConfigStatus(status.config as ConfigStatus));
  if (status.limits && typeof status.limits === 'object') lines.push(renderLimitsStatus(status.limits as LimitsStatus));
  const shown = ['version', 'uptime_s', 'in_flight', 'providers', 'models', 'config', 'storage_problem', 'limits'];
  for (const [key, value] of Object.entries(status)) {
    if ([...shown, 'telemetry'].includes(key)) continue;
    lines.push(`  ${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  }
  if (status.telemetry && typeof status.telemetry === 'object') lines.push(renderTelemetryStatus(status.telemetry));
  lines.push(
    '',
    `Health checks: ${providers.health_checks.enabled ? `every ${providers.health_checks.interval_s}s` : 'off'}`,
    '',
  );
  const rows = providers.data.flatMap((provider) =>
    provider.configured
      ? provider.targets.map((t) => [
          t.id,
          stateCell(t, now),
          percent(t.success_rate),
          millis(t.latency_p50_ms),
          millis(t.latency_p95_ms),
          String(t.samples),
          t.reason ?? t.last_error?.message ?? '',
        ])
      : [
          [
            provider.name,
            `not configured${provider.missing_env ? ` (set ${provider.missing_env})` : ''}`,
            '-',
            '-',
            '-',
            '0',
            '',
          ],
        ],
  );
  lines.push(table(['TARGET', 'STATE', 'SUCCESS', 'P50', 'P95', 'SAMPLES', 'LAST ERROR / REASON'], rows));
  return lines.join('\n');
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      "show a running gateway's state: each target healthy / cooling / half-open, success rate, latency, last error",
    )
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const global = command.optsWithGlobals<AdminConnectionOptions>();
      const token = global.token ?? process.env.AMG_ADMIN_TOKEN;
      // Said before looking for a gateway: the program prefixes errors with "amg: ", so none starts with "amg ".
      if (!token) throw new Error('status needs an admin token: pass --token or set AMG_ADMIN_TOKEN');
      const url = global.url ?? process.env.AMG_URL ?? (await gatewayAdminUrl(configPathFrom(global.config).path));
      const [status, providers] = await Promise.all([
        fetchJson<Record<string, unknown>>(adminApiUrl(url, '/status').href, token),
        fetchJson<ProvidersPayload>(adminApiUrl(url, '/providers').href, token),
      ]);
      process.stdout.write(
        options.json ? `${JSON.stringify({ status, providers }, null, 2)}\n` : `${renderStatus(status, providers)}\n`,
      );
    });
}
