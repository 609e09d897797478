import type { ConfigChange } from '../../config/change/config-diff.js';
import type { DiffReport, ValidationResult } from '../../config/change/config-workflow.js';
import type { PublishOutcome } from '../../config/change/publish.js';
import type { RevisionView } from '../../config/change/revision-view.js';
import type { ConfigProblem } from '../../config/semantic-checks.js';
import { table } from '../table.js';

/** Plain-text views of config workflow results for the terminal. */

const value = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export function renderProblems(title: string, problems: readonly ConfigProblem[]): string {
  return [title, ...problems.map((p) => `  ${p.path}: ${p.message}`)].join('\n');
}

/** A change's own warnings in full; those the replaced config had as well (seen at every publish) as a count. */
export function renderChangeWarnings(
  warnings: readonly ConfigProblem[],
  unchanged: readonly ConfigProblem[] = [],
  replaced = 'the active revision',
): string[] {
  const lines = warnings.map((warning) => `  warning: ${warning.path}: ${warning.message}`);
  if (unchanged.length > 0) {
    const count = unchanged.length === 1 ? '1 warning' : `${unchanged.length} warnings`;
    lines.push(`  (${count} that ${replaced} has as well, not repeated: amg config validate or --json lists them)`);
  }
  return lines;
}

export function renderValidation(result: ValidationResult): string {
  const lines: string[] = [];
  if (result.valid) {
    const s = result.summary;
    lines.push(
      `${result.source}: valid${s ? ` (${s.providers} providers, ${s.models} models, ${s.clients} clients)` : ''}`,
    );
  }
  for (const warning of result.warnings) lines.push(`  warning: ${warning.path}: ${warning.message}`);
  return lines.join('\n');
}

export function renderChange(change: ConfigChange): string {
  switch (change.kind) {
    case 'added':
      return `+ ${change.path}: ${value(change.value)}`;
    case 'removed':
      return `- ${change.path}: ${value(change.value)}`;
    case 'reordered':
      return `~ ${change.path}: order ${change.before.join(', ')} -> ${change.after.join(', ')}`;
    case 'changed':
      if (change.secret && change.before === change.after) return `~ ${change.path}: changed (secret)`;
      return `~ ${change.path}: ${value(change.before)} -> ${value(change.after)}${change.secret ? ' (secret)' : ''}`;
  }
}

export function renderDiff(report: DiffReport): string {
  const count = report.changes.length;
  return [
    `--- ${report.base}`,
    `+++ ${report.target}`,
    ...report.changes.map(renderChange),
    count === 0 ? 'no changes' : `${count} ${count === 1 ? 'change' : 'changes'}`,
  ].join('\n');
}

/** `verb` names what happened: "Published" or "Rolled back as". */
export function renderPublish(outcome: PublishOutcome, local: boolean, verb = 'Published'): string {
  if (outcome.status === 'unchanged') {
    return `No change: revision ${outcome.revision} already has this configuration; nothing published.`;
  }
  const { revision, changes, warnings, unchanged_warnings } = outcome;
  const lines = [
    `${verb} revision ${revision.number} (${changes.length} ${changes.length === 1 ? 'change' : 'changes'}).`,
  ];
  lines.push(...changes.map((change) => `  ${renderChange(change)}`));
  const replaced = revision.parent === null ? 'the replaced revision' : `revision ${revision.parent}`;
  lines.push(...renderChangeWarnings(warnings, unchanged_warnings, replaced));
  if (revision.guard) {
    lines.push(
      `Guard: the gateway watches the error rate of the changed models for ${revision.guard.window} and rolls back if it rises by ${Math.round(revision.guard.margin * 100)} points or more (after ${revision.guard.min_requests} requests).`,
    );
  }
  if (local) lines.push('Gateways running on this store apply it within 3 seconds.');
  return lines.join('\n');
}

function guardCell(revision: RevisionView): string {
  if (!revision.guard) return '';
  return `${revision.guard.window} ${revision.guard.state ?? ''}`.trim();
}

export function renderHistory(revisions: readonly RevisionView[]): string {
  if (revisions.length === 0) return 'no revisions yet';
  return table(
    ['REV', '', 'CREATED', 'AUTHOR', 'SOURCE', 'GUARD', 'MESSAGE'],
    revisions.map((r) => [
      r.number,
      r.active ? 'active' : '',
      r.created_at,
      r.author,
      r.restored_from === null ? r.source : `${r.source} (of ${r.restored_from})`,
      guardCell(r),
      r.message,
    ]),
  );
}

export function renderRevision(revision: RevisionView & { content: string }): string {
  return [
    `revision ${revision.number}${revision.active ? ' (active)' : ''}`,
    `  created   ${revision.created_at} by ${revision.author} (${revision.source})`,
    `  message   ${revision.message}`,
    `  parent    ${revision.parent ?? '-'}${revision.restored_from === null ? '' : `  restores ${revision.restored_from}`}`,
    `  sha256    ${revision.content_sha256}`,
    ...(revision.guard
      ? [`  guard     ${revision.guard.window}: ${revision.guard.state ?? ''} ${revision.guard.detail ?? ''}`.trimEnd()]
      : []),
    '',
    revision.content.trimEnd(),
  ].join('\n');
}
