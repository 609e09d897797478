import type { RequestRecord } from '../../telemetry/request-record.js';
import type { GuardSettings } from '../revision.js';
import { countsAsFailure } from './failure-class.js';
import { RollingCounters, type Tally } from './rolling-counters.js';

/** The error rate before a publish is measured over at least this long (and at most what the counters keep). */
export const MIN_BASELINE_MS = 15 * 60_000;

export interface GuardWatch {
  revision: number;
  /** The revision to return to. */
  previous: number;
  models: string[];
  settings: GuardSettings;
  startedAt: number;
  /** The touched models before the publish. */
  baseline: Tally;
  /** The touched models served by the guarded revision. */
  after: Tally;
}

export type GuardVerdict = { kind: 'watching' } | { kind: 'passed' } | { kind: 'rollback'; reason: string };

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

export function rateOf(tally: Tally): number {
  return tally.requests === 0 ? 0 : tally.failures / tally.requests;
}

/**
 * Clearly worse: at least `minRequests` requests to the touched models on the new revision, with an error
 * rate at least `margin` above the same models' rate before the publish (0 when they had no traffic).
 */
export function judge(watch: GuardWatch, now: number): GuardVerdict {
  const { after, baseline, settings } = watch;
  const before = rateOf(baseline);
  const rate = rateOf(after);
  if (after.requests >= settings.minRequests && rate >= before + settings.margin) {
    return {
      kind: 'rollback',
      reason: `error rate ${percent(rate)} over ${after.requests} ${after.requests === 1 ? 'request' : 'requests'} to ${watch.models.join(', ')}, against ${percent(before)} before the publish (margin ${percent(settings.margin)})`,
    };
  }
  return now >= watch.startedAt + settings.windowMs ? { kind: 'passed' } : { kind: 'watching' };
}

/**
 * Watches the error rate of the models a guarded publish touched. The data plane feeds every request record
 * to `observe` (a few map lookups and increments); `check` is called on a timer and returns the verdict.
 */
export class ChangeGuard {
  private readonly counters = new RollingCounters();
  private known = new Set<string>();
  private watch: GuardWatch | undefined;
  private watched = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The models the running config serves; counters for other names are dropped (clients choose names). */
  setKnownModels(models: Iterable<string>): void {
    this.known = new Set(models);
    this.counters.retain(this.known);
  }

  observe(record: RequestRecord): void {
    const model = record.requestedModel;
    if (model === null || !this.known.has(model)) return;
    const failed = countsAsFailure(record);
    this.counters.add(model, failed, this.now());
    const watch = this.watch;
    if (watch && record.configRevision === watch.revision && this.watched.has(model)) {
      watch.after.requests++;
      if (failed) watch.after.failures++;
    }
  }

  start(revision: number, previous: number, models: string[], settings: GuardSettings): GuardWatch {
    const now = this.now();
    const baselineMs = Math.min(Math.max(settings.windowMs, MIN_BASELINE_MS), this.counters.spanMs);
    this.watch = {
      revision,
      previous,
      models,
      settings,
      startedAt: now,
      baseline: this.counters.sum(models, now - baselineMs, now),
      after: { requests: 0, failures: 0 },
    };
    this.watched = new Set(models);
    return this.watch;
  }

  get current(): GuardWatch | undefined {
    return this.watch;
  }

  /** Stops watching (the revision was replaced by another change). */
  stop(): void {
    this.watch = undefined;
  }

  /** The verdict on the current watch; a final verdict ends the watch. */
  check(): { watch: GuardWatch; verdict: GuardVerdict } | undefined {
    const watch = this.watch;
    if (!watch) return undefined;
    const verdict = judge(watch, this.now());
    if (verdict.kind !== 'watching') this.watch = undefined;
    return { watch, verdict };
  }
}
