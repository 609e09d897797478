import { formatDuration } from '../duration.js';
import type { RevisionSummary } from '../revision.js';

/** A revision as the admin API and the CLI show it. */
export interface RevisionView {
  number: number;
  active: boolean;
  created_at: string;
  author: string;
  source: RevisionSummary['source'];
  message: string;
  parent: number | null;
  restored_from: number | null;
  content_sha256: string;
  guard: {
    window: string;
    min_requests: number;
    margin: number;
    state: string | null;
    detail: string | null;
  } | null;
}

export function viewRevision(revision: RevisionSummary, active: number | null): RevisionView {
  return {
    number: revision.number,
    active: revision.number === active,
    created_at: new Date(revision.createdAt).toISOString(),
    author: revision.author,
    source: revision.source,
    message: revision.message,
    parent: revision.parent,
    restored_from: revision.restoredFrom,
    content_sha256: revision.contentSha256,
    guard: revision.guard && {
      window: formatDuration(revision.guard.windowMs),
      min_requests: revision.guard.minRequests,
      margin: revision.guard.margin,
      state: revision.guardState,
      detail: revision.guardDetail,
    },
  };
}
