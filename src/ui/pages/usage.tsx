import { useSignal } from '@preact/signals';
import { api } from '../api.js';
import { Empty, ErrorBox, Field, HeaderRow, Loading } from '../components.js';
import { int, usd } from '../format.js';
import { usePoll } from '../use-poll.js';

interface Totals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costUsd: number;
  unpricedRequests: number;
}
interface UsageReport {
  group_by: string;
  since: string;
  until: string;
  data: Array<Totals & { group: string | null }>;
  total: Totals;
}
interface PriceRow {
  provider: string;
  model: string;
  servedAs: string[];
  price: { input: number; output: number; cached_input?: number; cache_write?: number } | null;
  source: string | null;
  tableModel: string | null;
  date: string | null;
  verified: boolean | null;
}

const PERIODS = ['24h', '7d', '30d', '90d'];
const GROUPS = [
  ['key', 'client key'],
  ['model', 'model'],
  ['provider', 'provider'],
  ['tag', 'key tag'],
];
const HEADERS = ['Group', 'Requests', 'Input', 'Cached', 'Cache write', 'Output', 'Reasoning', 'Cost', 'Unpriced'];

function Row({ label, totals }: { label: string; totals: Totals }) {
  return (
    <tr>
      <th scope="row" class="name">
        {label}
      </th>
      <td>{int(totals.requests)}</td>
      <td>{int(totals.inputTokens)}</td>
      <td>{int(totals.cachedTokens)}</td>
      <td>{int(totals.cacheWriteTokens)}</td>
      <td>{int(totals.outputTokens)}</td>
      <td>{int(totals.reasoningTokens)}</td>
      <td data-cost>{usd(totals.costUsd)}</td>
      <td>{totals.unpricedRequests ? int(totals.unpricedRequests) : ''}</td>
    </tr>
  );
}

/** Usage and cost per key, model, provider or tag over a period, and the prices they were billed at. */
export function UsagePage() {
  const period = useSignal('7d');
  const group = useSignal('key');
  const report = usePoll(
    () => api<UsageReport>(`/usage?${new URLSearchParams({ group_by: group.value, since: period.value })}`),
    30_000,
    [period.value, group.value],
  );
  const prices = usePoll(() => api<{ data: PriceRow[] }>('/prices'), 0, []);
  const data = report.data;
  return (
    <>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
        <Field label="Period">
          <select value={period.value} onChange={(e) => (period.value = e.currentTarget.value)}>
            {PERIODS.map((p) => (
              <option key={p} value={p}>
                last {p}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Group by">
          <select value={group.value} onChange={(e) => (group.value = e.currentTarget.value)}>
            {GROUPS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <span class="hint">Cached, cache-write and reasoning tokens are parts of input and output.</span>
      </form>
      {report.loading && !data && <Loading what="usage" />}
      {report.error && !report.data && <ErrorBox error={report.error} retry={report.refresh} />}
      {data && data.total.requests === 0 && <Empty>No requests in this period.</Empty>}
      {data && data.total.requests > 0 && (
        <div class="table-scroll">
          <table aria-label="usage">
            <HeaderRow columns={HEADERS} />
            <tbody>
              {data.data.map((row) => (
                <Row key={row.group ?? ''} label={row.group ?? '(none)'} totals={row} />
              ))}
            </tbody>
            <tfoot>
              <Row label="Total" totals={data.total} />
            </tfoot>
          </table>
        </div>
      )}
      {data?.group_by === 'tag' && (
        <p class="hint">A request counts under each of its key's tags, once in the total.</p>
      )}
      <h2>Prices (USD per million tokens)</h2>
      {prices.error && !prices.data && <ErrorBox error={prices.error} retry={prices.refresh} />}
      {prices.data && (
        <div class="table-scroll">
          <table aria-label="prices">
            <HeaderRow columns={['Provider / model', 'Serves', 'Input', 'Cached', 'Cache write', 'Output', 'Source']} />
            <tbody>
              {prices.data.data.map((p) => (
                <tr key={`${p.provider}/${p.model}`}>
                  <th scope="row" class="name">
                    {p.provider}/{p.model}
                  </th>
                  <td class="name">{p.servedAs.join(', ')}</td>
                  <td>{p.price ? p.price.input : <span class="error">no price</span>}</td>
                  <td>{p.price?.cached_input ?? ''}</td>
                  <td>{p.price?.cache_write ?? ''}</td>
                  <td>{p.price?.output ?? ''}</td>
                  <td>
                    {p.source === 'table' ? `table: ${p.tableModel}, ${p.date}` : (p.source ?? '')}
                    {p.verified === false && <span class="muted"> (unverified)</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
