import type { Command } from 'commander';
import type { PriceListRow } from '../../admin/price-list.js';
import { parseUsageQuery, USAGE_FLAG_NAMES, type UsageReport } from '../../admin/usage-report.js';
import { USAGE_GROUPS } from '../../telemetry/usage-summary.js';
import { formatUsd } from '../../telemetry/usd.js';
import { table } from '../table.js';
import { withAdmin } from './keys.js';

const usd = formatUsd;

function renderUsage(report: UsageReport): string {
  const rows = report.data.map((row) => [
    row.group ?? '(none)',
    row.requests,
    row.inputTokens,
    row.cachedTokens,
    row.cacheWriteTokens,
    row.outputTokens,
    row.reasoningTokens,
    usd(row.costUsd),
    row.unpricedRequests || '',
  ]);
  const t = report.total;
  const totalRow = [
    'TOTAL',
    t.requests,
    t.inputTokens,
    t.cachedTokens,
    t.cacheWriteTokens,
    t.outputTokens,
    t.reasoningTokens,
    usd(t.costUsd),
    t.unpricedRequests || '',
  ];
  const headers = ['GROUP', 'REQUESTS', 'INPUT', 'CACHED', 'CACHE WRITE', 'OUTPUT', 'REASONING', 'USD', 'UNPRICED'];
  const note =
    report.group_by === 'tag' ? '\nA request counts once under each of its tags; the total counts it once.\n' : '\n';
  return `Usage by ${report.group_by}, ${report.since} to ${report.until}\n${table(headers, [...rows, totalRow])}${note}`;
}

function priceCell(value: number | undefined): string {
  return value === undefined ? '' : String(value);
}

export function renderPrices(rows: readonly PriceListRow[]): string {
  const lines = rows.map((row) => [
    row.provider,
    row.model,
    row.servedAs.join(','),
    row.price ? row.price.input : 'NO PRICE',
    row.price ? priceCell(row.price.cached_input) : '',
    row.price ? priceCell(row.price.cache_write) : '',
    row.price ? row.price.output : '',
    row.price?.long_context ? `>${row.price.long_context.above_input_tokens / 1000}k` : '',
    row.source === 'table' ? `table:${row.tableModel}${row.verified ? '' : ' (unverified)'}` : (row.source ?? ''),
    row.date ?? '',
  ]);
  const unpriced = rows.filter((row) => row.price === null).length;
  const headers = [
    'PROVIDER',
    'MODEL',
    'SERVED AS',
    'INPUT',
    'CACHED',
    'CACHE WRITE',
    'OUTPUT',
    'TIER',
    'SOURCE',
    'DATE',
  ];
  const footer = unpriced
    ? `\n${unpriced === 1 ? '1 model has no price: its' : `${unpriced} models have no price: their`} requests are recorded without cost. Set one in the provider's \`pricing\` section.\n`
    : '\n';
  return `USD per million tokens\n${table(headers, lines)}${footer}`;
}

export function registerUsage(program: Command): void {
  program
    .command('usage')
    .description('requests, tokens and cost per key, model, provider or tag')
    .option('--by <group>', `group by ${USAGE_GROUPS.join('|')}`, 'key')
    .option(
      '--since <when>',
      'start: a duration before now (7d, 24h), an ISO date-time (no offset: in limits.budget_timezone) or epoch ms',
      '7d',
    )
    .option('--until <when>', 'end (exclusive), same forms as --since; default now')
    .option('--json', 'print JSON')
    .action(async (options: { by: string; since: string; until?: string; json?: boolean }, command: Command) => {
      const params = { group_by: options.by, since: options.since, until: options.until };
      // Checked here first, so that a mistake is named as the flag typed, whichever admin client answers.
      parseUsageQuery(params, Date.now(), USAGE_FLAG_NAMES);
      const report = await withAdmin(command, (admin) => admin.usage(params));
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderUsage(report));
    });

  program
    .command('prices')
    .description('the effective price of every model the config serves; flags models without one')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const list = await withAdmin(command, (admin) => admin.prices());
      process.stdout.write(options.json ? `${JSON.stringify(list, null, 2)}\n` : renderPrices(list.data));
      if (list.data.some((row) => row.price === null)) process.exitCode = 3;
    });
}
