import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Env } from '../config/env-expand.js';
import {
  envNames,
  type GatewayReport,
  REPORT_INTERVAL_MS,
  REPORT_PREFIX,
} from '../config/environments/gateway-environments.js';
import type { Store } from '../store/store.js';
import { WriteFailureLog } from '../telemetry/write-failure-log.js';

/**
 * Tells the store this gateway runs and which variable NAMES its environment has, so that a publish from
 * another process (the CLI's shell, another gateway) is checked against the environments that will run it.
 */
export class GatewayReporter {
  readonly id = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private url = '';
  private adminUrl = '';
  // A full disk or a locked store fails every report: one line, repeats once a minute, one when it works again.
  private readonly failures: WriteFailureLog;
  /**
   * Read once: nothing outside the process changes its environment (a reload cannot see new variables either),
   * and each read of `process.env` is a getenv call, ~45 of them every 5 s under traffic otherwise.
   */
  private readonly envNames: string[];
  private readonly host = hostname();

  constructor(
    private readonly store: Store,
    env: Env,
    private readonly now: () => number = Date.now,
  ) {
    this.envNames = envNames(env);
    this.failures = new WriteFailureLog(now, {
      failed: 'reporting this gateway to the store failed; will retry',
      level: 'warn',
      recovered: 'reporting this gateway to the store works again',
    });
  }

  private report(): GatewayReport {
    return {
      id: this.id,
      host: this.host,
      pid: process.pid,
      url: this.url,
      adminUrl: this.adminUrl,
      seenAt: this.now(),
      envNames: this.envNames,
    };
  }

  /** Reports now (awaited, so the first publish after start already sees it) and then periodically. */
  async start(url: string, adminUrl = url): Promise<void> {
    this.url = url;
    this.adminUrl = adminUrl;
    await this.send();
    this.timer = setInterval(() => {
      this.send().then(
        () => this.failures.succeeded(),
        (error: unknown) => this.failures.failed(error),
      );
    }, REPORT_INTERVAL_MS);
    this.timer.unref();
  }

  private send(): Promise<void> {
    return this.store.setMeta(`${REPORT_PREFIX}${this.id}`, JSON.stringify(this.report()));
  }

  /** Takes this gateway off the list (a crashed one simply stops reporting). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.url) await this.store.deleteMeta(`${REPORT_PREFIX}${this.id}`).catch(() => undefined);
  }
}
