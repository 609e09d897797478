/** `warnings`: trouble that does not stop this instance serving, shown to whoever probes (a deleted store file). */
export type ReadinessState =
  | { ready: true; warnings?: string[] }
  | { ready: false; reason: string; warnings?: string[] };

export interface ReadinessSources {
  configLoaded(): boolean;
  /** A cheap query that proves the store answers. */
  pingStore(): Promise<unknown>;
  draining(): boolean;
  /** Problems worth showing that do not take the instance out of rotation. */
  warnings?(): string[];
}

const STORE_TIMEOUT_MS = 2_000;
/** Probes from several load balancers share one store query within this time. */
const STORE_CACHE_MS = 1_000;

/**
 * Whether the gateway should get traffic: the config is loaded, the store answers, and it is not shutting
 * down. Draining is checked on every probe (it must flip at once); the store answer is reused for a second.
 */
export class Readiness {
  private storeCheck: { at: number; result: Promise<string | undefined> } | undefined;

  constructor(
    private readonly sources: ReadinessSources,
    private readonly now: () => number = Date.now,
  ) {}

  async check(): Promise<ReadinessState> {
    const warnings = this.sources.warnings?.() ?? [];
    const extra = warnings.length > 0 ? { warnings } : {};
    if (this.sources.draining()) return { ready: false, reason: 'draining: the gateway is shutting down', ...extra };
    if (!this.sources.configLoaded()) return { ready: false, reason: 'config not loaded', ...extra };
    const storeProblem = await this.storeProblem();
    return storeProblem ? { ready: false, reason: `store: ${storeProblem}`, ...extra } : { ready: true, ...extra };
  }

  private storeProblem(): Promise<string | undefined> {
    const now = this.now();
    if (this.storeCheck && now - this.storeCheck.at < STORE_CACHE_MS) return this.storeCheck.result;
    const result = pingWithin(this.sources.pingStore, STORE_TIMEOUT_MS);
    this.storeCheck = { at: now, result };
    return result;
  }
}

async function pingWithin(ping: () => Promise<unknown>, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([ping().then(() => undefined), timeout]);
  } catch (error) {
    return (error as Error)?.message ?? String(error);
  } finally {
    clearTimeout(timer);
  }
}
