/** A configuration revision as the store keeps it: immutable once written, except for its guard outcome. */

/** Where a revision came from. `rollback` is an operator's rollback, `guard` an automatic one. */
export type RevisionSource = 'file' | 'cli' | 'api' | 'rollback' | 'guard';

/** Thresholds of a guarded publish (see docs/operations-change.md). */
export interface GuardSettings {
  windowMs: number;
  /** Requests to the touched models, after the publish, before the guard may judge. */
  minRequests: number;
  /** How many percentage points (as a fraction) the error rate must rise to count as clearly worse. */
  margin: number;
}

/**
 * `superseded`: another change replaced the revision before the window ended; `rollback_failed`: see detail;
 * `interrupted`: no gateway was running when the window ended, so nothing was judged.
 */
export type GuardState = 'watching' | 'passed' | 'rolled_back' | 'rollback_failed' | 'superseded' | 'interrupted';

export interface NewRevision {
  /** The YAML as written, with `${VAR}` references unexpanded and literal secrets encrypted. */
  content: string;
  contentSha256: string;
  author: string;
  message: string;
  source: RevisionSource;
  createdAt: number;
  /** For rollbacks: the revision whose content this one restores. */
  restoredFrom: number | null;
  guard: GuardSettings | null;
}

export interface ConfigRevision extends NewRevision {
  number: number;
  /** The revision that was active when this one was created. */
  parent: number | null;
  guardState: GuardState | null;
  guardDetail: string | null;
}

/** A revision without its content, for listings. */
export type RevisionSummary = Omit<ConfigRevision, 'content'>;

export type CreateRevisionResult =
  | { ok: true; revision: ConfigRevision }
  /** The active revision was not the one the caller expected (someone else published in between). */
  | { ok: false; active: number | null };
