import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { type GatewayReport, liveGateways } from '../config/environments/gateway-environments.js';
import { parseYaml } from '../config/load-config.js';
import { readStorageSetting } from '../config/storage-setting.js';
import { parseListenAddress, urlFor } from '../server/listen-address.js';
import { parseStorageUrl } from '../store/open-store.js';
import { StoreBusy } from '../store/store-busy.js';
import { STORE_TAG_HEADER, storeTag } from '../store/store-tag.js';

/** The admin URL of the gateway a config file describes (admin_listen, else listen). */
export async function configuredAdminUrl(configPath: string): Promise<string> {
  const config = parseYaml(await readFile(configPath, 'utf8'), configPath) as {
    server?: { listen?: string; admin_listen?: string };
  };
  const { host, port } = parseListenAddress(config.server?.admin_listen ?? config.server?.listen ?? '127.0.0.1:8080');
  return urlFor(host, port);
}

/**
 * The URL of a gateway answering `/healthz` where the config file says it listens and using the store `file`
 * (by its tag), if one does: another program on that port, or a gateway on another store, does not count.
 */
export async function runningGatewayUrl(
  configPath: string,
  file: string,
  timeoutMs = 1_000,
): Promise<string | undefined> {
  const url = await configuredAdminUrl(configPath).catch(() => undefined);
  if (!url) return undefined;
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok && response.headers.get(STORE_TAG_HEADER) === storeTag(file) ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The admin URL of the gateway to talk to when no --url is given: the running gateways record their addresses in
 * the store (a `--listen` elsewhere than the config file says included), so the most recently seen live one on
 * this host (else on any host) is used, and named on stderr when there are several. Without a store or a live
 * gateway in it, the address in the config file.
 */
export async function gatewayAdminUrl(configPath: string, now = Date.now()): Promise<string> {
  const reported = await reportedGateways(configPath, now).catch((error: unknown) => {
    if (error instanceof StoreBusy) {
      process.stderr.write(`amg: ${error.message}; using the address in the config file (--url chooses one)\n`);
    }
    return [];
  });
  const here = hostname();
  const [chosen, ...others] = [...reported].sort(
    (a, b) => Number(b.host === here) - Number(a.host === here) || b.seenAt - a.seenAt,
  );
  if (!chosen) return configuredAdminUrl(configPath);
  const urlOf = (report: GatewayReport) => report.adminUrl || report.url;
  if (others.length > 0) {
    const seen = Math.max(0, Math.round((now - chosen.seenAt) / 1000));
    const rest = others.map((report) => `${urlOf(report)} (${report.host}:${report.pid})`).join(', ');
    process.stderr.write(
      `amg: ${reported.length} gateways run on this store; using ${urlOf(chosen)} (${chosen.host}:${chosen.pid}, seen ${seen}s ago); the others: ${rest}; --url chooses one\n`,
    );
  }
  return urlOf(chosen);
}

/**
 * The live gateways on the store the config file names; none when that store does not exist yet. Read without
 * opening the store (no migration, no write lock) and with a short busy wait: StoreBusy while another process
 * holds it locked.
 */
async function reportedGateways(configPath: string, now: number): Promise<GatewayReport[]> {
  const setting = await readStorageSetting(configPath);
  const location = parseStorageUrl(setting.url, setting.baseDir);
  if (location.file === ':memory:' || !existsSync(location.file)) return [];
  // Loaded on demand: the probe brings Kysely into the main thread, which a serving gateway never needs (its
  // store lives in the SQLite worker), and this module is part of the program every command loads.
  const { readMetaQuickly } = await import('../store/meta-probe.js');
  const store = { listMeta: (prefix: string) => readMetaQuickly(location.file, prefix) };
  return (await liveGateways(store, now)).filter((report) => report.url !== '');
}
