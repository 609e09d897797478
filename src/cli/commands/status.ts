import type { Command } from 'commander';
import type { TargetStatus } from '../../routing/target-status.js';
import { configPathFrom } from '../config-path.js';
import { table } from '../table.js';
import type { AdminConnectionOptions } from './keys.js';

interface ProvidersPayload {
  health_checks: { enabled: boolean; interval_s: number };
  data: Array<{ name: string; type: string; configured: boolean; missing_env: string | null; targets: TargetStatus[] }>;
}

/** The admin URL of the gateway the config file describes (admin_listen, else listen). */
async function defaultUrl(configPath: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const { parse } = await import('yaml');
  const { parseListenAddress, urlFor } = await import('../../server/listen-address.js');
  const config = (parse(await readFile(configPath, 'utf8')) ?? {}) as {
    server?: { listen?: string; admin_listen?: string };
  };
  const { host, port } = parseListenAddress(config.server?.admin_listen ?? config.server?.listen ?? '127.0.0.1:8080');
  return urlFor(host, port);
}

async function fetchJson<T>(url: string, token: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
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

export function renderStatus(status: Record<string, unknown>, providers: ProvidersPayload, now = Date.now()): string {
  const lines = [
    `AI Model Gateway ${String(status.version ?? '')} — up ${String(status.uptime_s ?? '?')}s, ${String(status.in_flight ?? 0)} in flight`,
  ];
  for (const [key, value] of Object.entries(status)) {
    if (['version', 'uptime_s', 'in_flight', 'providers', 'models'].includes(key)) continue;
    lines.push(`  ${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  }
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
      const url = global.url ?? process.env.AMG_URL ?? (await defaultUrl(configPathFrom(global.config).path));
      const token = global.token ?? process.env.AMG_ADMIN_TOKEN;
      if (!token) throw new Error('amg status needs an admin token: pass --token or set AMG_ADMIN_TOKEN');
      const [status, providers] = await Promise.all([
        fetchJson<Record<string, unknown>>(`${url}/admin/api/status`, token),
        fetchJson<ProvidersPayload>(`${url}/admin/api/providers`, token),
      ]);
      process.stdout.write(
        options.json ? `${JSON.stringify({ status, providers }, null, 2)}\n` : `${renderStatus(status, providers)}\n`,
      );
    });
}
