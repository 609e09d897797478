import type { PreviewReport } from '../../config/change/config-workflow.js';
import type { RoutingTableRow } from '../../config/change/routing-table.js';
import { formatDuration } from '../../config/duration.js';
import { table } from '../table.js';
import { renderChangeWarnings } from './config-render.js';

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;
/** Dollars and cents; below a dollar, to a hundredth of a cent, so a small cost never reads as $0.00. */
export const usd = (amount: number | null) =>
  amount === null ? '-' : `$${amount > 0 && amount < 1 ? amount.toFixed(4) : amount.toFixed(2)}`;
const count = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export function renderRouting(rows: readonly RoutingTableRow[]): string {
  const lines = rows.flatMap((row) =>
    row.targets.map((target, index) => [
      index === 0 ? row.model : '',
      index === 0 ? `${row.strategy}${row.estimated ? ' (est.)' : ''}` : '',
      `${target.provider}/${target.model}`,
      percent(target.share),
      target.price ? `${target.price.input}/${target.price.output}` : '-',
    ]),
  );
  return table(['MODEL', 'STRATEGY', 'TARGET', 'SHARE', 'USD/1M IN/OUT'], lines);
}

/** The routing table and the impact preview of a draft. */
export function renderPreview(report: PreviewReport): string {
  const { impact } = report;
  const lines = [`Routing of ${report.target}`, renderRouting(report.routing), ''];
  lines.push(
    `Impact over the last ${formatDuration(report.window.ms)}: ${impact.requests} requests replayed against revision ${report.active_revision ?? '-'} (nothing sent upstream)`,
  );
  lines.push(
    impact.unknownModels.length === 0
      ? '  unknown models: none'
      : `  unknown models: ${impact.unknownModels.map((m) => `${m.model} (${m.requests} requests would get 404)`).join(', ')}`,
  );
  lines.push(
    impact.lostClients.length === 0
      ? '  clients losing access: none'
      : `  clients losing access: ${impact.lostClients.map((c) => `${c.client} (${c.reason}, ${c.requests} requests)`).join(', ')}`,
  );
  lines.push(
    `  cost per day: ${usd(impact.cost.currentPerDay)} -> ${usd(impact.cost.draftPerDay)}${impact.cost.unpriced.length ? ` (no price for ${impact.cost.unpriced.join(', ')})` : ''}`,
    '',
  );
  if (impact.providers.length === 0) lines.push('  (no recorded traffic in the window)');
  else {
    lines.push(
      table(
        ['PROVIDER', 'NOW', 'DRAFT', 'CHANGE'],
        impact.providers.map((p) => [
          p.provider,
          `${count(p.current.requests)} (${percent(p.current.share)})`,
          `${count(p.draft.requests)} (${percent(p.draft.share)})`,
          `${p.draft.requests >= p.current.requests ? '+' : ''}${count(p.draft.requests - p.current.requests)}`,
        ]),
      ),
    );
  }
  lines.push(...renderChangeWarnings(report.warnings, report.unchanged_warnings));
  return lines.join('\n');
}
