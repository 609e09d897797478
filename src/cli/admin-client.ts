import type { ClientKeyView } from '../admin/client-keys.js';
import { createClientKey, listClientKeys, revokeClientKey } from '../admin/client-keys.js';
import { parseRequestQuery, requestPage } from '../admin/request-log.js';
import { readStorageSetting } from '../config/storage-setting.js';
import { openStore, parseStorageUrl } from '../store/open-store.js';
import type { Store } from '../store/store.js';

export type RequestPage = ReturnType<typeof requestPage>;

/**
 * The admin operations the CLI performs, either against a running gateway's admin API (--url) or directly
 * on the store named by the config file. Both paths run the same service functions.
 */
export interface AdminClient {
  createKey(name: string, expiresInDays?: number): Promise<ClientKeyView & { token: string }>;
  listKeys(): Promise<ClientKeyView[]>;
  revokeKey(idOrName: string): Promise<ClientKeyView>;
  listRequests(params: Record<string, string | undefined>): Promise<RequestPage>;
  close(): Promise<void>;
}

export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

class HttpAdminClient implements AdminClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(`/admin/api${path}`, this.baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    if (!response.ok) throw new AdminApiError(payload.error?.message ?? `HTTP ${response.status}`, response.status);
    return payload as T;
  }

  createKey(name: string, expiresInDays?: number) {
    return this.call<ClientKeyView & { token: string }>('POST', '/keys', { name, expires_in_days: expiresInDays });
  }
  async listKeys() {
    return (await this.call<{ data: ClientKeyView[] }>('GET', '/keys')).data;
  }
  revokeKey(idOrName: string) {
    return this.call<ClientKeyView>('DELETE', `/keys/${encodeURIComponent(idOrName)}`);
  }
  listRequests(params: Record<string, string | undefined>) {
    const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
    return this.call<RequestPage>('GET', `/requests?${query}`);
  }
  async close() {}
}

class LocalAdminClient implements AdminClient {
  constructor(private readonly store: Store) {}

  async createKey(name: string, expiresInDays?: number) {
    const created = await createClientKey(this.store, { name, expiresInDays });
    return { ...created.key, token: created.token };
  }
  listKeys() {
    return listClientKeys(this.store);
  }
  revokeKey(idOrName: string) {
    return revokeClientKey(this.store, idOrName);
  }
  async listRequests(params: Record<string, string | undefined>) {
    const query = parseRequestQuery(params);
    return requestPage(await this.store.listRequests(query), query.limit);
  }
  close() {
    return this.store.close();
  }
}

export interface ConnectOptions {
  url?: string | undefined;
  token?: string | undefined;
  configPath: string;
}

export async function connectAdmin(options: ConnectOptions): Promise<AdminClient> {
  const url = options.url ?? process.env.AMG_URL;
  if (url) {
    const token = options.token ?? process.env.AMG_ADMIN_TOKEN;
    if (!token) throw new Error('an admin token is required with --url: pass --token or set AMG_ADMIN_TOKEN');
    return new HttpAdminClient(url, token);
  }
  const storage = await readStorageSetting(options.configPath);
  return new LocalAdminClient(await openStore(parseStorageUrl(storage.url, storage.baseDir)));
}
