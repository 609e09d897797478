import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { adminApi } from '../admin/admin-api.js';
import { ForwardedView } from '../admin/trusted-proxy.js';
import { uiRoutes } from '../admin/ui-routes.js';
import { DataPlane } from '../api/data-plane.js';
import { StoredResponses } from '../api/responses/stored-responses.js';
import { DeadlineSweeper } from '../api/shared/deadline-sweeper.js';
import type { RequestServices } from '../api/shared/exchange.js';
import { AuditLog } from '../audit/audit-log.js';
import { type BootstrapOutcome, bootstrapAdminToken, withdrawUnshownToken } from '../auth/admin-bootstrap.js';
import { AdminDirectory } from '../auth/admin-directory.js';
import { ClientDirectory } from '../auth/client-directory.js';
import { endExpiredGraces } from '../auth/rotation-grace.js';
import { Sessions } from '../auth/sessions.js';
import { generateToken } from '../auth/token-hash.js';
import { checkConfig } from '../config/change/config-check.js';
import type { PublishOutcome } from '../config/change/publish.js';
import type { Env } from '../config/env-expand.js';
import { ChangeGuard } from '../config/guard/change-guard.js';
import { ConfigError, type LoadedConfig, parseYaml, readConfigText } from '../config/load-config.js';
import { Keyring } from '../config/secrets/master-key.js';
import { storageFromTree } from '../config/storage-setting.js';
import { HealthChecker } from '../routing/health-checker.js';
import { LimitBackends, openRedisBackend } from '../routing/limits/limit-backends.js';
import { LimitService } from '../routing/limits/limit-service.js';
import { Router } from '../routing/router.js';
import { MemoryRoutingState } from '../routing/routing-state.js';
import { openStore, parseStorageUrl, type StorageLocation } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { identity, StoreFileWatch } from '../store/store-file-watch.js';
import { storeTag } from '../store/store-tag.js';
import { BatchWriter } from '../telemetry/batch-writer.js';
import { RetentionSweeper } from '../telemetry/retention.js';
import { RollupRetention, rollupRetentionDays } from '../telemetry/rollup-retention.js';
import { WriteFailureLog } from '../telemetry/write-failure-log.js';
import { UpstreamPools } from '../upstream/pools.js';
import { retargetedTargets } from './changed-targets.js';
import { ConfigController } from './config-controller.js';
import { GatewayReporter } from './gateway-reporter.js';
import { buildSnapshot, type GatewaySnapshot } from './gateway-snapshot.js';
import { type Servers, startServers } from './http-servers.js';
import { log } from './log.js';
import { metricsRoute } from './metrics-route.js';
import { TEST_CLIENT, testModel } from './model-test.js';
import { Observability } from './observability.js';
import { probeHandler } from './probes.js';
import { Readiness } from './readiness.js';
import { planStartup, publishStartupFile } from './startup-config.js';
import { warnUnconfiguredProviders } from './unconfigured-warning.js';

export interface GatewayOptions {
  configPath: string;
  env?: Env;
  /** Overrides server.listen (tests use 127.0.0.1:0). */
  listen?: string;
  adminListen?: string;
  /** The clock of rate-limit windows and budget periods (tests move it forward instead of waiting). */
  now?: () => number;
  /** True once a stop signal arrived during the start: it ends before listening or publishing (StartStopped). */
  stopRequested?: () => boolean;
}

/** Thrown by Gateway.start when `stopRequested` said so before it served: the store is closed, nothing published. */
export class StartStopped extends Error {
  constructor() {
    super('stopped during start, before serving');
    this.name = 'StartStopped';
  }
}

const VERSION = '0.1.0';
/** How long requests cut at shutdown get to send their error event and close. */
const CUT_WAIT_MS = 2_000;
/** How often a revocation made by another process is looked for (a read of two counters while nothing changed). */
export const CREDENTIAL_CHECK_MS = 2_000;

/** Whether `promise` settled within `ms`. */
/** True when `promise` settled within `ms`; false at the deadline, or as soon as `hurried` resolves. */
async function settledWithin(promise: Promise<unknown>, ms: number, hurried?: Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const cutShort = hurried ? [hurried.then(() => false as const)] : [];
  try {
    return await Promise.race([promise.then(() => true), timeout, ...cutShort]);
  } finally {
    clearTimeout(timer);
  }
}

/** What `Gateway.start` prepares before the gateway object exists. */
interface GatewayParts {
  options: GatewayOptions;
  env: Env;
  loaded: LoadedConfig;
  revision: number | null;
  store: Store;
  storage: StorageLocation;
  keyring: Keyring;
  audit: AuditLog;
  bootstrap: BootstrapOutcome;
}

/** The running gateway: config snapshot, store, telemetry, connection pools and HTTP servers, wired together. */
export class Gateway {
  private snapshotRef: GatewaySnapshot;
  private servers: Servers | undefined;
  private closing: Promise<void> | undefined;
  /** Resolves when the operator asks a stopping gateway not to wait any longer (see endGraceNow). */
  private hurried!: Promise<void>;
  private hurry: () => void = () => undefined;
  private graceEndedEarly = false;
  private credentialRefresh: NodeJS.Timeout | undefined;
  readonly startedAt = Date.now();
  readonly dataPlane: DataPlane;
  readonly clients: ClientDirectory;
  readonly admins: AdminDirectory;
  readonly telemetry: BatchWriter;
  private readonly retention: RetentionSweeper;
  readonly responses: StoredResponses;
  private readonly responseRetention: RetentionSweeper;
  private readonly rollupRetention: RollupRetention;
  /** The admin API's "test now" calls the data plane as this client; the token never leaves the process. */
  private readonly testToken = generateToken('amg_internal_');
  private readonly env: Env;
  readonly router = new Router(new MemoryRoutingState());
  private readonly health = new HealthChecker(this.router.state);
  private readonly deadlines = new DeadlineSweeper();
  readonly limitBackends = new LimitBackends();
  readonly limits: LimitService;
  private graceSweep: NodeJS.Timeout | undefined;
  private redisUrl: string | undefined;
  /** Switches of the shared limit backend, one after another (the Redis client is loaded on first use). */
  private redisSwitch: Promise<void> = Promise.resolve();
  readonly sessions: Sessions;
  private readonly forwarded = new ForwardedView(() => this.snapshotRef.config.admin_ui.trusted_proxies);

  readonly store: Store;
  readonly storage: StorageLocation;
  readonly bootstrap: BootstrapOutcome;
  readonly audit: AuditLog;
  readonly config: ConfigController;
  readonly guard = new ChangeGuard();
  private readonly options: GatewayOptions;
  private readonly pools = new UpstreamPools();
  private readonly reporter: GatewayReporter;
  private readonly services: RequestServices;
  /** Set when shutdown begins: /readyz answers 503 from then on. */
  private shuttingDown = false;
  readonly observability: Observability;
  readonly readiness: Readiness;
  /** Notices the SQLite file deleted or replaced under the running gateway. */
  readonly storeWatch: StoreFileWatch;
  private readonly writeFailures = new WriteFailureLog();

  private constructor(parts: GatewayParts) {
    this.options = parts.options;
    this.store = parts.store;
    this.storage = parts.storage;
    this.bootstrap = parts.bootstrap;
    this.audit = parts.audit;
    this.env = parts.env;
    this.reporter = new GatewayReporter(parts.store, parts.env);
    this.clients = new ClientDirectory(parts.store);
    this.sessions = new Sessions(parts.store, () => this.sessionSettings());
    this.admins = new AdminDirectory(parts.store);
    this.responses = new StoredResponses(parts.store, {
      retentionDays: () => this.snapshotRef.config.responses.retention_days,
      onWriteError: (error, ids) =>
        log.error('storing responses failed', { response_ids: ids.join(','), error: String(error) }),
    });
    this.limits = new LimitService({
      backends: this.limitBackends,
      now: parts.options.now,
      spentSince: (client, since) => parts.store.clientSpendSince(client.name, client.keyId, since),
    });
    this.services = {
      router: this.router,
      deadlines: this.deadlines,
      responses: this.responses,
      limits: this.limits,
    };
    this.observability = new Observability({
      snapshot: () => this.snapshotRef,
      routing: this.router.state,
      telemetry: () => this.telemetry,
      guard: this.guard,
      inFlight: () => this.dataPlane.inFlight,
      services: this.services,
      env: parts.env,
      version: VERSION,
    });
    this.storeWatch = new StoreFileWatch(parts.storage.file, {
      onProblem: (problem) => log.error('STORE FILE MISSING', { problem }),
      // At the alert's visibility (warn, not info), so a log filtered to warnings shows the all-clear too.
      onRecovered: (file) =>
        log.warn('STORE FILE BACK', { file, note: 'the path names the opened database file again' }),
    });
    this.readiness = new Readiness({
      configLoaded: () => this.snapshotRef !== undefined,
      pingStore: () => this.store.activeRevisionNumber(),
      draining: () => this.draining,
      warnings: () => this.storeProblems().map((problem) => `store: ${problem}`),
    });
    const snapshot = buildSnapshot(parts.loaded, this.pools, parts.revision);
    this.snapshotRef = snapshot;
    this.adopt(snapshot);
    const telemetryConfig = parts.loaded.config.telemetry;
    this.telemetry = new BatchWriter(parts.store, {
      flushIntervalMs: telemetryConfig.flush_interval_ms,
      batchSize: telemetryConfig.batch_size,
      onError: (error) => this.writeFailures.failed(error, this.telemetry.pending),
      onWritten: () => this.writeFailures.succeeded(),
    });
    this.retention = new RetentionSweeper(parts.store, {
      days: () => this.snapshotRef.config.telemetry.retention_days,
      onError: (error) => log.warn('pruning old request records failed', { error: String(error) }),
    });
    // The request-record sweeper, pointed at the stored responses: same schedule, same small chunks.
    this.responseRetention = new RetentionSweeper(
      { deleteRequestsBefore: (before, limit) => parts.store.deleteStoredResponsesBefore(before, limit) },
      {
        days: () => this.snapshotRef.config.responses.retention_days,
        onError: (error) => log.warn('pruning old stored responses failed', { error: String(error) }),
      },
    );
    this.rollupRetention = new RollupRetention(
      parts.store,
      () => rollupRetentionDays(this.snapshotRef.config),
      (error) => log.warn('pruning old rollups failed', { error: String(error) }),
    );
    this.dataPlane = new DataPlane({
      snapshot: () => this.snapshotRef,
      clients: this.clients,
      services: this.services,
      record: (record) => {
        this.telemetry.add(record);
        this.guard.observe(record);
        this.observability.observe(record);
      },
    });
    this.config = new ConfigController({
      store: parts.store,
      keyring: parts.keyring,
      audit: parts.audit,
      env: parts.env,
      baseDir: parts.loaded.baseDir,
      configPath: parts.options.configPath,
      guard: this.guard,
      now: Date.now,
      gatewayId: this.reporter.id,
      install: (loaded, revision) => this.install(loaded, revision),
      running: () => ({ revision: this.snapshotRef.revision, config: this.snapshotRef.config }),
    });
  }

  static async start(options: GatewayOptions): Promise<Gateway> {
    const env = options.env ?? process.env;
    const text = await readConfigText(options.configPath);
    const baseDir = dirname(resolve(options.configPath));
    const tree = parseYaml(text, options.configPath);
    const storage = parseStorageUrl(storageFromTree(tree, env), baseDir);
    if (storage.file !== ':memory:' && !existsSync(storage.file)) {
      // A first start on a file that cannot run must leave nothing behind (no database, no data directory).
      const { loaded, report } = checkConfig(tree, { env, baseDir }, options.configPath);
      if (!loaded) throw new ConfigError(report.errors, options.configPath);
    }
    // The writer thread stops when idle: the gateway's timers need it only when the database changed.
    const store = await openStore(storage, { stopWhenIdle: true });
    try {
      const keyring = Keyring.forStorage(storage.file, env, store);
      const audit = new AuditLog(store);
      const plan = await planStartup({
        store,
        keyring,
        audit,
        env,
        baseDir,
        text,
        configPath: options.configPath,
      });
      // A first start stopped before it serves never shows a generated admin token: it must not make one either,
      // or the next start would speak of "the one shown at the first start" that nobody saw.
      if (options.stopRequested?.()) throw new StartStopped();
      const bootstrap = await bootstrapAdminToken(store, env.AMG_ADMIN_TOKEN, audit);
      const { loaded, revision } = plan;
      const gateway = new Gateway({ options, env, loaded, revision, store, storage, keyring, audit, bootstrap });
      if (plan.skipped) gateway.config.startedWithout(plan.skipped.revision, plan.skipped.error);
      try {
        await Promise.all([gateway.clients.refresh(), gateway.admins.refresh()]);
        if (options.stopRequested?.()) throw new StartStopped();
        // Serving first: a start that cannot bind its ports must not have published anything.
        await gateway.observability.startTracing();
        await gateway.listen();
        await gateway.reporter.start(gateway.url, gateway.adminUrl);
        if (plan.publishFile) await publishStartupFile(gateway.config.workflow, text, options.configPath);
      } catch (error) {
        if (error instanceof StartStopped) await gateway.withdrawUnshownAdminToken();
        await gateway.close().catch(() => undefined);
        throw error;
      }
      gateway.refreshCredentialsPeriodically();
      await gateway.storeWatch.start();
      gateway.sweepRotationGraces();
      gateway.retention.start();
      gateway.responseRetention.start();
      gateway.rollupRetention.start();
      gateway.config.start();
      await gateway.config.settleInheritedGuard();
      await gateway.redisSwitch;
      gateway.started = true;
      return gateway;
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
  }

  /** Revokes the admin token this start generated, when it stops before its banner could show it. */
  withdrawUnshownAdminToken(): Promise<void> {
    return withdrawUnshownToken(this.store, this.audit, this.bootstrap);
  }

  /**
   * New credentials are found on first use (a miss reloads); revocations made by another process (the local
   * CLI, another instance) are picked up by this periodic check. It reads the store's change counters and lists
   * a credential table only when its counter moved, so it costs the same with ten keys or ten thousand, and can
   * run often enough that a revocation takes effect within about 2 s.
   */
  private refreshCredentialsPeriodically(intervalMs = CREDENTIAL_CHECK_MS): void {
    this.credentialRefresh = setInterval(() => {
      Promise.all([this.clients.refreshIfChanged(), this.admins.refreshIfChanged()]).catch((error: unknown) =>
        log.warn('credential refresh failed', { error: String(error) }),
      );
    }, intervalMs);
    this.credentialRefresh.unref();
  }

  /** Set once `start` has finished: applies before that are the start's own, which `amg serve` reports. */
  private started = false;

  /**
   * Makes a config the running one: new requests take the new snapshot at once, requests in flight finish on
   * theirs, and what routing learned about targets that still exist carries over.
   */
  private install(loaded: LoadedConfig, revision: number): void {
    const next = buildSnapshot(loaded, this.pools, revision);
    this.adopt(next);
    // At start `amg serve` warns beside its banner (the file published then included); a later apply (SIGHUP, a
    // publish, a revision another process activated) that leaves a provider keyless warns here.
    if (this.started) warnUnconfiguredProviders(next.providers.values(), { revision });
  }

  private adopt(next: GatewaySnapshot): void {
    const retargeted = retargetedTargets(this.snapshotRef, next);
    this.snapshotRef = next;
    this.observability.adopt(next);
    this.router.state.forget(retargeted);
    this.clients.setConfigClients([...next.config.clients, { name: TEST_CLIENT, token: this.testToken }]);
    this.limits.setTimeZone(next.config.limits.budget_timezone);
    this.useRedis(next.config.redis);
    this.pools.retainOnly(next.poolSettings);
    this.router.state.retain(new Set(next.targets.keys()));
    this.guard.setKnownModels(next.models.keys());
    this.planHealthChecks();
  }

  /** Connects the shared limit backend when the config names a Redis server (or another one than before). */
  private useRedis(url: string | undefined): void {
    if (url === this.redisUrl) return;
    this.redisUrl = url;
    this.redisSwitch = this.redisSwitch
      .then(() => (url ? openRedisBackend(url) : undefined))
      .then((backend) => this.limitBackends.useShared(backend))
      .catch((error: unknown) => log.warn('switching the redis connection failed', { error: String(error) }));
  }

  /** Ends the grace periods of rotated keys that ran out (audited); returns how many ended. */
  async endRotationGraces(): Promise<number> {
    const ended = await endExpiredGraces(this.store, this.audit);
    if (ended > 0) await this.clients.refreshIfChanged();
    return ended;
  }

  /** Runs endRotationGraces every 30 seconds (old tokens are refused at their grace end even before it runs). */
  private sweepRotationGraces(intervalMs = 30_000): void {
    const sweep = () =>
      this.endRotationGraces().catch((error: unknown) =>
        log.warn('ending rotation grace periods failed', { error: String(error) }),
      );
    void sweep();
    this.graceSweep = setInterval(sweep, intervalMs);
    this.graceSweep.unref();
  }

  private planHealthChecks(): void {
    const snapshot = this.snapshotRef;
    this.health.apply({
      providers: snapshot.providers,
      targets: [...snapshot.targets.values()].map((entry) => entry.target),
      routing: snapshot.config.routing,
    });
  }

  /** What is wrong with the store while the gateway still serves: its file gone, or records not being written. */
  private storeProblems(): string[] {
    const writes = this.writeFailures.problem(this.telemetry.pending);
    return [this.storeWatch.problem, writes].filter((problem): problem is string => problem !== undefined);
  }

  /** True once shutdown began (SIGTERM): readiness checks should fail so load balancers stop sending traffic. */
  get draining(): boolean {
    return this.shuttingDown || this.dataPlane.isDraining;
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
      server.connections,
      probeHandler(this.readiness, storeTag(this.storage.file)),
    );
  }

  private async registerAdmin(app: FastifyInstance): Promise<void> {
    metricsRoute(app, {
      metrics: () => this.observability.metrics,
      settings: () => this.snapshotRef.config.metrics,
      admins: this.admins,
    });
    await app.register((scope) => uiRoutes(scope));
    await app.register(
      (scope) =>
        adminApi(scope, {
          store: this.store,
          admins: this.admins,
          audit: this.audit,
          workflow: this.config.workflow,
          snapshot: () => this.snapshotRef,
          state: this.router.state,
          status: () => this.status(),
          // Only the changed key is read again (the change log), not every key.
          onClientKeysChanged: () => this.clients.refreshIfChanged(),
          onAdminTokensChanged: () => this.admins.refresh(),
          sessions: this.sessions,
          sessionSettings: () => this.sessionSettings(),
          forwarded: this.forwarded,
          env: this.env,
          diagnostics: () => this.diagnostics(),
          testModel: (model) => testModel(this.url, this.testToken, model),
        }),
      { prefix: '/admin/api' },
    );
  }

  private sessionSettings() {
    const settings = this.snapshotRef.config.admin_ui;
    return { sessionMs: settings.session_hours * 3_600_000, idleMs: settings.idle_minutes * 60_000 };
  }

  async status(): Promise<Record<string, unknown>> {
    const snapshot = this.snapshotRef;
    // The config part reads the store, which another process's lock can hold for as long as it likes (its reads
    // wait behind record writes that wait out their busy timeout): the answer does not wait for it, and says so.
    const config = await withinMs(this.config.status(), STATUS_STORE_WAIT_MS);
    const problems = this.storeProblems();
    if (config === undefined)
      problems.push(`the config status was not read: no answer within ${STATUS_STORE_WAIT_MS} ms`);
    return {
      version: VERSION,
      uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
      ...(config === undefined ? {} : { config }),
      storage: this.storage.file,
      ...(problems.length > 0 ? { storage_problem: problems.join('; ') } : {}),
      in_flight: this.dataPlane.inFlight,
      limits: { ...this.limitBackends.status(), budget_timezone: this.limits.timeZone },
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

  /** What the Diagnostics page and the support bundle show about this process. */
  async diagnostics(): Promise<Record<string, unknown>> {
    const config = this.snapshotRef.config;
    const file = this.storage.file;
    const sizes = await Promise.all(
      file === ':memory:'
        ? []
        : ['', '-wal', '-shm'].map((suffix) =>
            stat(file + suffix).then(
              (s) => s.size,
              () => 0,
            ),
          ),
    );
    const memory = process.memoryUsage();
    return {
      version: VERSION,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      pid: process.pid,
      started_at: new Date(this.startedAt).toISOString(),
      uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
      memory: { rss_bytes: memory.rss, heap_used_bytes: memory.heapUsed },
      storage: {
        kind: this.storage.kind,
        file,
        size_bytes: sizes.reduce((a, b) => a + b, 0),
        retention: {
          requests_days: config.telemetry.retention_days,
          rollup_minute_days: config.telemetry.rollup_minute_days,
          rollup_ten_minute_days: config.telemetry.rollup_ten_minute_days,
          rollup_hour_days: config.telemetry.rollup_hour_days,
          rollup_six_hour_days: config.telemetry.rollup_six_hour_days,
          rollup_day_days: config.telemetry.rollup_day_days,
        },
      },
      config: await this.config.status(),
      listeners: { data: this.url, admin: this.adminUrl, admin_separate: this.url !== this.adminUrl },
      telemetry: {
        pending: this.telemetry.pending,
        written: this.telemetry.written,
        dropped: this.telemetry.dropped,
        flush_interval_ms: config.telemetry.flush_interval_ms,
        batch_size: config.telemetry.batch_size,
      },
      in_flight: this.dataPlane.inFlight,
      sessions: (await this.sessions.list()).length,
    };
  }

  /** SIGHUP: publishes the config file if it changed; a config that fails validation leaves the running one. */
  async reload(): Promise<{ ok: true; outcome: PublishOutcome } | { ok: false; error: Error }> {
    try {
      return { ok: true, outcome: await this.config.reloadFile() };
    } catch (error) {
      return { ok: false, error: error as Error };
    }
  }

  /** Graceful stop: refuse new requests, let in-flight ones finish (up to the grace period), flush telemetry. */
  close(): Promise<void> {
    if (!this.closing) {
      this.hurried = new Promise<void>((resolve) => (this.hurry = resolve));
      this.closing = this.shutdown();
    }
    return this.closing;
  }

  /**
   * Ends a stop's waits now (the readiness notice and the grace period): what is still in flight is ended as at
   * the end of the grace period, each stream with its dialect's error event and each request's record written.
   * For an operator at a terminal who does not want to wait minutes for a long stream (a second Ctrl-C).
   */
  endGraceNow(): void {
    this.graceEndedEarly = true;
    this.hurry();
  }

  private async shutdown(): Promise<void> {
    this.shuttingDown = true;
    // Load balancers learn from /readyz that this instance is leaving while it still serves what they send.
    const notice = this.snapshotRef.config.server.readiness_drain_ms;
    if (notice > 0) await settledWithin(this.hurried, notice);
    clearInterval(this.credentialRefresh);
    this.storeWatch.stop();
    clearInterval(this.graceSweep);
    this.retention.stop();
    this.responseRetention.stop();
    this.rollupRetention.stop();
    this.config.stop();
    this.health.stop();
    const grace = this.snapshotRef.config.server.shutdown_grace_ms;
    const drained = this.dataPlane.drain();
    const unreported = this.reporter.stop();
    const serversClosed = this.servers?.close();
    if (!(await settledWithin(drained, grace, this.hurried))) {
      // Streams of long generations outlived the grace period: end each with its dialect's error event and
      // let its record be written, rather than cutting connections under it.
      const why = this.graceEndedEarly ? 'shutdown asked not to wait' : 'shutdown grace period over';
      log.warn(`${why}; ending the requests still in flight`, {
        in_flight: this.dataPlane.inFlight,
        grace_ms: grace,
      });
      this.dataPlane.cutInFlight();
      await settledWithin(drained, CUT_WAIT_MS);
    }
    this.servers?.closeAllConnections();
    // Requests whose connection was only now dropped still write their record (as they close).
    await settledWithin(drained, CUT_WAIT_MS);
    await serversClosed;
    this.deadlines.stop();
    await unreported;
    await this.telemetry.close();
    await this.responses.flush();
    await this.observability.close();
    await this.pools.closeAll();
    await this.redisSwitch;
    await this.limitBackends.close();
    await this.closeStore();
  }

  /** Closes the store; one whose file was deleted under it is written back first (worker-store.ts), said loudly. */
  private async closeStore(): Promise<void> {
    const file = this.storage.file;
    const deleted = file !== ':memory:' && (await identity(file).catch(() => true)) === undefined;
    await this.store.close();
    if (!deleted) return;
    if (await identity(file).catch(() => undefined)) {
      log.warn(
        'STORE FILE WRITTEN BACK: the database file was deleted while the gateway ran; everything it held, the records written since included, was written back to its path',
        { file },
      );
    } else {
      log.error('STORE FILE LOST: the database file was deleted while the gateway ran and could not be written back', {
        file,
      });
    }
  }
}

/** How long GET /admin/api/status waits for the store before answering without the config part. */
const STATUS_STORE_WAIT_MS = 2_000;

/** `work`'s value, or undefined when it takes longer than `ms` (it runs on; a late failure is ignored). */
async function withinMs<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
