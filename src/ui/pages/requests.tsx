import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api } from '../api.js';
import { Empty, ErrorBox, Field, HeaderRow, Loading } from '../components.js';
import { int, ms, stamp, time, usd } from '../format.js';
import { usePoll } from '../use-poll.js';

interface Attempt {
  provider: string;
  model: string;
  status: number;
  errorClass?: string;
  error?: string;
  latencyMs: number;
}
interface RequestRow {
  id: string;
  time: string;
  client: string | null;
  entryPoint: string;
  path: string;
  stream: boolean;
  requestedModel: string | null;
  provider: string | null;
  upstreamModel: string | null;
  routeMode: string;
  attempts: Attempt[];
  status: number;
  latencyMs: number;
  ttfbMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  errorCode: string | null;
  errorMessage: string | null;
}
interface Page {
  data: RequestRow[];
  next_before: string | null;
}

const FILTERS = [
  ['model', 'Model'],
  ['provider', 'Provider'],
  ['client', 'Client'],
] as const;

/** Why the router did what it did, in words, from the route mode and the attempts. */
function routeStory(row: RequestRow): string {
  if (row.attempts.length === 0)
    return row.errorMessage ? `Refused before routing: ${row.errorMessage}` : 'Not routed.';
  const last = row.attempts[row.attempts.length - 1];
  // A stream that broke after it started was still served by its target; the break is told after it.
  const broke = last?.errorClass === 'stream_error' ? last : undefined;
  const failed = row.attempts.filter((a) => a.errorClass && a !== broke);
  const first = `${row.routeMode === 'fallback' ? 'Fell back' : row.routeMode === 'retry' ? 'Retried' : 'Sent'}`;
  const because = failed.length
    ? ` after ${failed.map((a) => `${a.provider}/${a.model} failed (${a.errorClass})`).join(', ')}`
    : '';
  if (broke) return `${first}${because}; served by ${broke.provider}/${broke.model}, whose stream broke off.`;
  return `${first}${because}; ${last && !last.errorClass ? `served by ${last.provider}/${last.model}.` : 'no target answered.'}`;
}

/**
 * A keyboard user who opens a request lands in its detail (on a phone it covers the list, so focus left on the row
 * would be under it); Escape or Close puts them back on the row they opened it from.
 */
function useFocusWhileOpen(id: string) {
  const box = useRef<HTMLElement>(null);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const label = opener?.getAttribute('aria-label');
    const detail = box.current;
    detail?.focus();
    return () => {
      // Only when focus is still in the detail (or lost with it): a click on another row keeps its own focus.
      const focus = document.activeElement;
      const inDetail = !focus || focus === document.body || Boolean(detail?.contains(focus));
      if (!inDetail) return;
      // A refresh of the list while the detail was open may have drawn the row anew: find it by its label.
      const row = opener?.isConnected
        ? opener
        : label
          ? document.querySelector<HTMLElement>(`[aria-label="${CSS.escape(label)}"]`)
          : null;
      row?.focus();
    };
  }, [id]);
  return box;
}

function RequestDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const { data, error, loading, refresh } = usePoll(() => api<RequestRow>(`/requests/${encodeURIComponent(id)}`), 0, [
    id,
  ]);
  const box = useFocusWhileOpen(id);
  return (
    <aside
      class="detail"
      aria-label="Request detail"
      ref={box}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <button type="button" class="close" onClick={onClose}>
        Close
      </button>
      {loading && <Loading what="the request" />}
      {/* A store that was busy a moment ago answers the next try: the detail offers it, as every page does. */}
      {error && !data && <ErrorBox error={error} retry={refresh} />}
      {data && (
        <>
          <h2>{data.id}</h2>
          <p>{routeStory(data)}</p>
          <dl class="kv">
            <dt>Time</dt>
            <dd>{time(data.time)}</dd>
            <dt>Entry</dt>
            <dd>
              {data.entryPoint} {data.path} {data.stream ? '(stream)' : ''}
            </dd>
            <dt>Client</dt>
            <dd>{data.client ?? '–'}</dd>
            <dt>Model</dt>
            <dd>
              {data.requestedModel ?? '–'} → {data.provider ?? '–'} / {data.upstreamModel ?? '–'}
            </dd>
            <dt>Status</dt>
            <dd>
              {data.status} {data.errorCode ? `${data.errorCode}: ${data.errorMessage}` : ''}
            </dd>
            <dt>Latency / TTFT</dt>
            <dd>
              {ms(data.latencyMs)} / {ms(data.ttfbMs)}
            </dd>
            <dt>Tokens in / out, cost</dt>
            <dd>
              {int(data.inputTokens)} / {int(data.outputTokens)}, {usd(data.costUsd)}
            </dd>
          </dl>
          <h3>Attempts</h3>
          <div class="table-scroll">
            <table class="attempts" aria-label="Attempts">
              <HeaderRow columns={['#', 'Target', 'Status', 'Error class', 'Time', 'Error']} />
              <tbody>
                {data.attempts.map((a, i) => (
                  <tr key={`${i}-${a.provider}`}>
                    <td>{i + 1}</td>
                    <td class="name">
                      {a.provider}/{a.model}
                    </td>
                    <td>{a.status || 'no answer'}</td>
                    <td>{a.errorClass ?? 'ok'}</td>
                    <td>{ms(a.latencyMs)}</td>
                    <td>{a.error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </aside>
  );
}

export function RequestsPage() {
  const hashId = new URLSearchParams(location.hash.split('?')[1] ?? '').get('id');
  const filters = useSignal<Record<string, string>>({});
  const before = useSignal<string | undefined>(undefined);
  const live = useSignal(false);
  const selected = useSignal<string | null>(hashId);
  useEffect(() => {
    if (hashId) selected.value = hashId;
  }, [hashId, selected]);

  const params = () => {
    const all = { ...filters.value, limit: '50', ...(before.value ? { before: before.value } : {}) };
    return new URLSearchParams(Object.entries(all).filter(([, v]) => v !== '')).toString();
  };
  const { data, error, loading, refresh } = usePoll(() => api<Page>(`/requests?${params()}`), live.value ? 2_000 : 0, [
    filters.value,
    before.value,
    live.value,
  ]);
  const set = (name: string, value: string) => {
    filters.value = { ...filters.value, [name]: value };
    before.value = undefined;
  };
  const exportQuery = new URLSearchParams(Object.entries(filters.value).filter(([, v]) => v !== '')).toString();

  return (
    <div class={selected.value ? 'with-detail' : ''}>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()} aria-label="Request filters">
        {FILTERS.map(([name, label]) => (
          <Field key={name} label={label}>
            <input
              name={name}
              value={filters.value[name] ?? ''}
              onChange={(e) => set(name, e.currentTarget.value.trim())}
            />
          </Field>
        ))}
        <Field label="Status">
          <select
            name="status"
            value={filters.value.status ?? ''}
            onChange={(e) => set('status', e.currentTarget.value)}
          >
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="error">error</option>
            <option value="4xx">4xx</option>
            <option value="429">429 (limited)</option>
            <option value="499">499 (client hung up)</option>
            <option value="5xx">5xx</option>
          </select>
        </Field>
        <Field label="Route">
          <select name="route" value={filters.value.route ?? ''} onChange={(e) => set('route', e.currentTarget.value)}>
            <option value="">any</option>
            {['direct', 'retry', 'fallback', 'sticky', 'none'].map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <label class="check">
          <input
            type="checkbox"
            checked={live.value}
            onChange={(e) => {
              live.value = e.currentTarget.checked;
              before.value = undefined;
            }}
          />{' '}
          Live
        </label>
        <a class="button" href={`/admin/api/requests/export?format=csv&${exportQuery}`} download>
          Export CSV
        </a>
        <a class="button" href={`/admin/api/requests/export?format=json&${exportQuery}`} download>
          Export JSON
        </a>
      </form>
      {loading && !data && <Loading what="requests" />}
      {error && !data && <ErrorBox error={error} retry={refresh} />}
      {data && data.data.length === 0 && (
        <Empty>
          No requests match. {Object.values(filters.value).some(Boolean) ? 'Clear the filters, or ' : ''}create a client
          token on the <a href="#/clients">Clients</a> page and send a request.
        </Empty>
      )}
      {data && data.data.length > 0 && (
        <div class="table-scroll">
          <table class="requests" aria-label="Requests">
            <HeaderRow
              columns={['Time', 'Client', 'Model', 'Provider', 'Route', 'Status', 'Latency', 'TTFT', 'Tokens', 'Cost']}
            />
            <tbody>
              {data.data.map((row) => (
                <tr key={row.id} class={row.status >= 400 ? 'failed' : ''} aria-selected={selected.value === row.id}>
                  <td>
                    <button
                      type="button"
                      class="link"
                      onClick={() => (selected.value = row.id)}
                      aria-label={`open request ${row.id}`}
                    >
                      <time dateTime={row.time} title={`${row.time} (UTC)`}>
                        {stamp(row.time)}
                      </time>
                    </button>
                  </td>
                  <td class="name">{row.client ?? '–'}</td>
                  <td class="name">{row.requestedModel ?? '–'}</td>
                  <td class="name">{row.provider ?? '–'}</td>
                  <td>{row.routeMode}</td>
                  <td>{row.status}</td>
                  <td>{ms(row.latencyMs)}</td>
                  <td>{ms(row.ttfbMs)}</td>
                  <td>
                    {int(row.inputTokens)}/{int(row.outputTokens)}
                  </td>
                  <td>{usd(row.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="pager">
        {before.value && (
          <button type="button" onClick={() => (before.value = undefined)}>
            Newest
          </button>
        )}
        {data?.next_before && !live.value && (
          <button type="button" onClick={() => (before.value = data.next_before ?? undefined)}>
            Older
          </button>
        )}
      </div>
      {selected.value && <RequestDetail id={selected.value} onClose={() => (selected.value = null)} />}
    </div>
  );
}
