import { useSignal } from '@preact/signals';
import { api } from '../api.js';
import { Empty, ErrorBox, Field, HeaderRow, Loading } from '../components.js';
import { time } from '../format.js';
import { usePoll } from '../use-poll.js';

interface AuditRow {
  seq: number;
  time: string;
  actor: string;
  role: string | null;
  origin: string;
  action: string;
  target: string | null;
  outcome: string;
  detail: unknown;
}

export function AuditPage() {
  const filters = useSignal<Record<string, string>>({});
  // Paging back through older records: the API's cursor; unset is the newest page, which refreshes on its own.
  const before = useSignal<number | undefined>(undefined);
  const query = new URLSearchParams(
    Object.entries({ limit: '100', ...filters.value, before: before.value?.toString() ?? '' }).filter(([, v]) => v),
  ).toString();
  const { data, error, loading, refresh } = usePoll(
    () => api<{ data: AuditRow[]; next_before: number | null }>(`/audit?${query}`),
    before.value === undefined ? 10_000 : 0,
    [query],
  );
  const verify = usePoll(
    () => api<{ ok: boolean; checked: number; broken?: { seq: number; reason: string } }>('/audit/verify'),
    0,
    [],
  );
  const set = (name: string, value: string) => {
    filters.value = { ...filters.value, [name]: value };
    before.value = undefined;
  };
  return (
    <>
      <section aria-label="Chain verification">
        {verify.loading && <Loading what="the chain verification" />}
        {verify.error && !verify.data && <ErrorBox error={verify.error} retry={verify.refresh} />}
        {verify.data && (
          <p
            class={verify.data.ok ? 'state ok' : 'state error'}
            role="status"
            data-chain={verify.data.ok ? 'ok' : 'broken'}
          >
            {verify.data.ok
              ? `Chain verified: ${verify.data.checked} records, none altered or missing.`
              : `Chain broken at record ${verify.data.broken?.seq}: ${verify.data.broken?.reason}`}
          </p>
        )}
      </section>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()} aria-label="Audit filters">
        <Field label="Actor">
          <input value={filters.value.actor ?? ''} onChange={(e) => set('actor', e.currentTarget.value.trim())} />
        </Field>
        <Field label="Action">
          <input
            value={filters.value.action ?? ''}
            placeholder="e.g. config.publish"
            onChange={(e) => set('action', e.currentTarget.value.trim())}
          />
        </Field>
        <Field label="Outcome">
          <select value={filters.value.outcome ?? ''} onChange={(e) => set('outcome', e.currentTarget.value)}>
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="failed">failed</option>
            <option value="denied">denied</option>
          </select>
        </Field>
      </form>
      {loading && !data && <Loading what="the audit log" />}
      {error && !data && <ErrorBox error={error} retry={refresh} />}
      {data && data.data.length === 0 && <Empty>No audit records match these filters.</Empty>}
      {data && data.data.length > 0 && (
        <div class="table-scroll">
          <table aria-label="Audit records">
            <HeaderRow columns={['#', 'Time', 'Actor', 'From', 'Action', 'Target', 'Outcome', 'Detail']} />
            <tbody>
              {data.data.map((r) => (
                <tr key={r.seq} class={r.outcome === 'ok' ? '' : 'failed'}>
                  <td>{r.seq}</td>
                  <td>{time(r.time)}</td>
                  <td>
                    {r.actor} <span class="muted">{r.role ?? ''}</span>
                  </td>
                  <td>{r.origin}</td>
                  <td>{r.action}</td>
                  <td>{r.target ?? ''}</td>
                  <td>{r.outcome}</td>
                  <td>
                    <code>{typeof r.detail === 'string' ? r.detail : JSON.stringify(r.detail)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="pager">
        {before.value !== undefined && (
          <button type="button" onClick={() => (before.value = undefined)}>
            Newest
          </button>
        )}
        {data?.next_before && (
          <button type="button" onClick={() => (before.value = data.next_before ?? undefined)}>
            Older
          </button>
        )}
      </div>
    </>
  );
}
