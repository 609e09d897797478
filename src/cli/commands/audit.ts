import type { Command } from 'commander';
import type { AuditRecordView } from '../../audit/audit-view.js';
import { table } from '../table.js';
import { withAdmin } from './keys.js';

function detailCell(detail: unknown): string {
  const text = JSON.stringify(detail);
  return text === '{}' ? '' : text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function renderAudit(records: readonly AuditRecordView[]): string {
  if (records.length === 0) return 'no audit records';
  return table(
    ['SEQ', 'TIME', 'ACTOR', 'ROLE', 'ORIGIN', 'ACTION', 'TARGET', 'OUTCOME', 'DETAIL'],
    records.map((r) => [r.seq, r.time, r.actor, r.role, r.origin, r.action, r.target, r.outcome, detailCell(r.detail)]),
  );
}

interface ListOptions {
  actor?: string;
  action?: string;
  outcome?: string;
  since?: string;
  limit: string;
  before?: string;
  json?: boolean;
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the audit log of administrative actions (tamper-evident)');

  audit
    .command('list', { isDefault: true })
    .description('list audit records, newest first (the default of `amg audit`)')
    .option('--actor <name>', 'only this actor (admin token name, local:<user>, guard, anonymous)')
    .option('--action <action>', 'only this action, e.g. config.publish, keys.revoke')
    .option('--outcome <outcome>', 'ok, failed or denied')
    .option('--since <time>', 'only records at or after this time: 1h, 7d (before now), an ISO date-time or epoch ms')
    .option('-n, --limit <n>', 'how many', '50')
    .option('--before <seq>', 'only records older than this sequence number')
    .option('--json', 'print JSON')
    .action(async (options: ListOptions, command: Command) => {
      const page = await withAdmin(command, (admin) =>
        admin.listAudit({
          actor: options.actor,
          action: options.action,
          outcome: options.outcome,
          since: options.since,
          limit: options.limit,
          before: options.before,
        }),
      );
      process.stdout.write(`${options.json ? JSON.stringify(page, null, 2) : renderAudit(page.data)}\n`);
    });

  audit
    .command('verify')
    .description('check the hash chain; names the first broken record (exit 1)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const result = await withAdmin(command, (admin) => admin.verifyAudit());
      if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (result.ok) process.stdout.write(renderAuditVerified(result));
      else {
        process.stderr.write(
          `audit log broken at record ${result.broken.seq}: ${result.broken.reason} (${records(result.checked)} before it verified)\n`,
        );
      }
      if (!result.ok) process.exitCode = 1;
    });
}

const records = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'record' : 'records'}`;

/** `amg audit verify`'s line for an intact chain ("1 record", not "1 records", on a new store). */
export function renderAuditVerified(result: { checked: number; head?: { seq: number; hash: string } | null }): string {
  const head = result.head ? `; head record ${result.head.seq}, hash ${result.head.hash}` : '';
  return `audit log intact: ${records(result.checked)} verified${head}\n`;
}
