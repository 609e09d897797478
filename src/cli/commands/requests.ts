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

export function registerRequests(program: Command): void {
  const requests = program.command('requests').description('read request telemetry');
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
