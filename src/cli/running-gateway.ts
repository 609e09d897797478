import { readFile } from 'node:fs/promises';
import { parseYaml } from '../config/load-config.js';
import { parseListenAddress, urlFor } from '../server/listen-address.js';
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
