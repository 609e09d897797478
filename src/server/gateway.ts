import type { FastifyInstance } from 'fastify';
import { adminRoutes } from '../admin/admin-routes.js';
import { providerRoutes } from '../admin/provider-routes.js';
import { DataPlane } from '../api/data-plane.js';
import { DeadlineSweeper } from '../api/shared/deadline-sweeper.js';
import { type BootstrapOutcome, bootstrapAdminToken } from '../auth/admin-bootstrap.js';
import { AdminDirectory } from '../auth/admin-directory.js';
import { ClientDirectory } from '../auth/client-directory.js';
import type { Env } from '../config/env-expand.js';
import { type LoadedConfig, loadConfigFile } from '../config/load-config.js';
import { HealthChecker } from '../routing/health-checker.js';
import { Router } from '../routing/router.js';
import { MemoryRoutingState } from '../routing/routing-state.js';
import { openStore, parseStorageUrl, type StorageLocation } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { BatchWriter } from '../telemetry/batch-writer.js';
import { UpstreamPools } from '../upstream/pools.js';
import { buildSnapshot, type GatewaySnapshot } from './gateway-snapshot.js';
import { type Servers, startServers } from './http-servers.js';
import { log } from './log.js';

export interface GatewayOptions {
  configPath: string;
  env?: Env;
  /** Overrides server.listen (tests use 127.0.0.1:0). */
  listen?: string;
  adminListen?: string;
}

const VERSION = '0.1.0';

/** The running gateway: config snapshot, store, telemetry, connection pools and HTTP servers, wired together. */
export class Gateway {
  private snapshotRef: GatewaySnapshot;
  private servers: Servers | undefined;
  private closing: Promise<void> | undefined;
  private credentialRefresh: NodeJS.Timeout | undefined;
  readonly startedAt = Date.now();
  readonly dataPlane: DataPlane;
  readonly clients: ClientDirectory;
  readonly admins: AdminDirectory;
  readonly telemetry: BatchWriter;
  readonly router = new Router(new MemoryRoutingState());
  private readonly health = new HealthChecker(this.router.state);
  private readonly deadlines = new DeadlineSweeper();

  private constructor(
    private readonly options: GatewayOptions,
    loaded: LoadedConfig,
    readonly store: Store,
    readonly storage: StorageLocation,
    readonly bootstrap: BootstrapOutcome,
    private readonly pools: UpstreamPools,
  ) {
    this.snapshotRef = buildSnapshot(loaded, pools);
    this.clients = new ClientDirectory(store);
    this.clients.setConfigClients(loaded.config.clients);
    this.admins = new AdminDirectory(store);
    const telemetryConfig = loaded.config.telemetry;
    this.telemetry = new BatchWriter(store, {
      flushIntervalMs: telemetryConfig.flush_interval_ms,
      batchSize: telemetryConfig.batch_size,
      onError: (error) => log.error('telemetry write failed; will retry', { error: String(error) }),
    });
    this.dataPlane = new DataPlane({
      snapshot: () => this.snapshotRef,
      clients: this.clients,
      services: { router: this.router, deadlines: this.deadlines },
      record: (record) => this.telemetry.add(record),
    });
  }

  static async start(options: GatewayOptions): Promise<Gateway> {
    const env = options.env ?? process.env;
    const loaded = await loadConfigFile(options.configPath, env);
    const storage = parseStorageUrl(loaded.config.storage, loaded.baseDir);
    const store = await openStore(storage);
    try {
      const bootstrap = await bootstrapAdminToken(store, env.AMG_ADMIN_TOKEN);
      const gateway = new Gateway(options, loaded, store, storage, bootstrap, new UpstreamPools());
      await Promise.all([gateway.clients.refresh(), gateway.admins.refresh()]);
      gateway.refreshCredentialsPeriodically();
      gateway.planHealthChecks();
      await gateway.listen();
      return gateway;
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * New credentials are found on first use (a miss reloads); revocations made by another process (the local
   * CLI, another instance) are picked up by this periodic reload.
   */
  private refreshCredentialsPeriodically(intervalMs = 5_000): void {
    this.credentialRefresh = setInterval(() => {
      Promise.all([this.clients.refresh(), this.admins.refresh()]).catch((error: unknown) =>
        log.warn('credential refresh failed', { error: String(error) }),
      );
    }, intervalMs);
    this.credentialRefresh.unref();
  }

  private planHealthChecks(): void {
    const snapshot = this.snapshotRef;
    this.health.apply({
      providers: snapshot.providers,
      targets: [...snapshot.targets.values()].map((entry) => entry.target),
      routing: snapshot.config.routing,
    });
  }

  get snapshot(): GatewaySnapshot {
    return this.snapshotRef;
  }

  get url(): string {
    return this.servers?.url ?? '';
  }

  get adminUrl(): string {
    return this.servers?.adminUrl ?? '';
  }

  private async listen(): Promise<void> {
    const server = this.snapshotRef.config.server;
    this.servers = await startServers(
      this.dataPlane,
      (app) => this.registerAdmin(app),
      this.options.listen ?? server.listen,
      this.options.adminListen ?? server.admin_listen,
    );
  }

  private async registerAdmin(app: FastifyInstance): Promise<void> {
    app.get('/healthz', async () => ({ status: 'ok' }));
    await app.register(
      (scope) =>
        adminRoutes(scope, {
          store: this.store,
          admins: this.admins,
          onClientKeysChanged: () => this.clients.refresh(),
          status: () => this.status(),
        }),
      { prefix: '/admin/api' },
    );
    await app.register(
      (scope) =>
        providerRoutes(scope, {
          admins: this.admins,
          snapshot: () => this.snapshotRef,
          state: this.router.state,
        }),
      { prefix: '/admin/api' },
    );
  }

  status(): Record<string, unknown> {
    const snapshot = this.snapshotRef;
    return {
      version: VERSION,
      uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
      config: { path: this.options.configPath, revision: snapshot.revision },
      storage: this.storage.file,
      in_flight: this.dataPlane.inFlight,
      telemetry: { pending: this.telemetry.pending, written: this.telemetry.written, dropped: this.telemetry.dropped },
      providers: [...snapshot.providers.values()].map((p) => ({
        name: p.name,
        type: p.descriptor.type,
        base_url: p.config.base_url,
        configured: p.configured,
        ...(p.configured ? {} : { missing_env: p.apiKeyEnv ?? null }),
      })),
      models: [...snapshot.models.values()].map((m) => ({
        name: m.name,
        strategy: m.strategy,
        targets: m.targets.map((t) => t.id),
      })),
    };
  }

  /** Re-reads the config file and applies it; a config that fails validation leaves the running one in place. */
  async reload(): Promise<{ ok: true } | { ok: false; error: Error }> {
    try {
      const loaded = await loadConfigFile(this.options.configPath, this.options.env ?? process.env);
      const next = buildSnapshot(loaded, this.pools, this.snapshotRef.revision);
      this.snapshotRef = next;
      this.clients.setConfigClients(loaded.config.clients);
      this.pools.retainOnly(next.poolSettings);
      // What was learned about targets that still exist carries over; state of removed targets is dropped.
      this.router.state.retain(new Set(next.targets.keys()));
      this.planHealthChecks();
      return { ok: true };
    } catch (error) {
      return { ok: false, error: error as Error };
    }
  }

  /** Graceful stop: refuse new requests, let in-flight ones finish (up to the grace period), flush telemetry. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.credentialRefresh);
    this.health.stop();
    const grace = this.snapshotRef.config.server.shutdown_grace_ms;
    const drained = this.dataPlane.drain();
    const serversClosed = this.servers?.close();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise((resolve) => (timer = setTimeout(resolve, grace)))]);
    clearTimeout(timer);
    this.servers?.closeAllConnections();
    await serversClosed;
    this.deadlines.stop();
    await this.telemetry.close();
    await this.pools.closeAll();
    await this.store.close();
  }
}
