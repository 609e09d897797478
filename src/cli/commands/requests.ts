import type { Command } from 'commander';
import type { RequestPage } from '../admin-client.js';
import { withAdmin } from './keys.js';

type Row = RequestPage['data'][number];

function formatRow(row: Row): string {
  const tokens = row.inputTokens === null ? '' : ` tokens=${row.inputTokens}/${row.outputTokens}`;
  const target = row.provider ? ` -> ${row.provider}/${row.upstreamModel} (${row.routeMode})` : '';
  const error = row.errorMessage ? ` error="${row.errorMessage}"` : '';
  return `${row.time} ${row.id} ${row.status} ${row.method} ${row.path} client=${row.client ?? '-'} model=${row.requestedModel ?? '-'}${target} ${row.latencyMs.toFixed(1)}ms${tokens}${error}`;
}

/**
 * Where a page is in the filtered set, as the Admin UI says it: "1–20 of 2,340" (or "of more than 10,000"); a
 * page after a cursor does not know its offset, so it says "20 more of 2,340".
 */
function position(page: RequestPage, afterCursor: boolean): string {
  const total = `${page.total_exact ? '' : 'more than '}${page.total.toLocaleString('en-US')}`;
  if (afterCursor) return `${page.data.length} more of ${total}`;
  return page.data.length === 0 ? `0 of ${total}` : `1–${page.data.length} of ${total}`;
}

export function registerRequests(program: Command): void {
  const requests = program.command('requests').description('read request telemetry');
  requests
    .command('list')
    .description('a page of the request log, newest first or by --sort; the position and the next page go to stderr')
    .option('--sort <key>', 'time, latency, cost or tokens (input + output)', 'time')
    .option('--order <order>', 'desc (newest, slowest, dearest, largest first) or asc', 'desc')
    .option('-n, --limit <n>', 'how many', '20')
    .option('--cursor <cursor>', 'start after this page (the cursor the previous page printed)')
    .option('--model <name>')
    .option('--provider <name>')
    .option('--client <name>')
    .option('--status <status>', 'ok, error, 2xx, 4xx, 429, 499 or 5xx')
    .option('--since <when>', 'e.g. 1h, 7d, a date')
    .option('--json', 'print JSON lines')
    .action(async (options: Record<string, string | boolean | undefined>, command: Command) => {
      const { json, ...params } = options;
      await withAdmin(command, async (admin) => {
        const page = await admin.listRequests(params as Record<string, string | undefined>);
        for (const row of page.data) process.stdout.write(`${json ? JSON.stringify(row) : formatRow(row)}\n`);
        const next = page.next_cursor ? `; next page: --cursor ${page.next_cursor}` : '';
        process.stderr.write(`${position(page, Boolean(params.cursor))}${next}\n`);
      });
    });
  requests
    .command('tail')
    .description('show the most recent requests (oldest first); --follow keeps printing new ones')
    .option('-n, --limit <n>', 'how many', '20')
    .option('-f, --follow', 'poll for new requests')
    .option('--json', 'print JSON lines')
    .action(async (options: { limit: string; follow?: boolean; json?: boolean }, command: Command) => {
      const print = (rows: Row[]) => {
        for (const row of rows) process.stdout.write(`${options.json ? JSON.stringify(row) : formatRow(row)}\n`);
      };
      await withAdmin(command, async (admin) => {
        const first = await admin.listRequests({ limit: options.limit });
        print([...first.data].reverse());
        if (!options.follow) return;
        let newest = first.data[0]?.id;
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          const page = await admin.listRequests({ limit: '200' });
          const fresh = page.data.filter((row) => newest === undefined || row.id > newest);
          if (fresh.length > 0) {
            newest = fresh[0]?.id;
            print(fresh.reverse());
          }
        }
      });
    });
}
