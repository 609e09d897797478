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
  next_cursor: string | null;
  /** The filtered set's size; more than this when not `total_exact` (the API counts no further). */
  total: number;
  total_exact: boolean;
}

const PAGE_SIZE = 50;
type Sort = 'time' | 'latency' | 'cost' | 'tokens';
interface Order {
  sort: Sort;
  order: 'asc' | 'desc';
}
/** The columns, and the order the API sorts each by (the others are not sortable). */
const COLUMNS: ReadonlyArray<readonly [string, Sort?]> = [
  ['Time', 'time'],
  ['Client'],
  ['Model'],
  ['Provider'],
  ['Route'],
  ['Status'],
  ['Latency', 'latency'],
  ['TTFT'],
  // In and out, as the Overview writes them: '12 / 6', never '12/6', which reads as a date.
  ['Tokens in / out', 'tokens'],
  ['Cost', 'cost'],
];

/**
 * The log's headings; a sortable one is a button (the first click sorts largest or newest first, the next turns
 * the order round) and states its order to a screen reader with aria-sort.
 */
function SortableHeaderRow({ current, onSort }: { current: Order; onSort: (next: Order) => void }) {
  return (
    <thead>
      <tr>
        {COLUMNS.map(([label, sort]) => {
          const active = sort !== undefined && current.sort === sort;
          return (
            <th
              key={label}
              scope="col"
              aria-sort={active ? (current.order === 'desc' ? 'descending' : 'ascending') : undefined}
            >
              {sort === undefined ? (
                label
              ) : (
                <button
                  type="button"
                  class="sort"
                  onClick={() => onSort({ sort, order: active && current.order === 'desc' ? 'asc' : 'desc' })}
                >
                  {label}
                  <span aria-hidden="true">{active ? (current.order === 'desc' ? ' ▼' : ' ▲') : ' ↕'}</span>
                </button>
              )}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}

/** A pager's button: always in its place, so focus on it survives the page it loads; unavailable when disabled. */
function PagerButton(props: { label: string; enabled: boolean; onPress: () => void }) {
  return (
    <button
      type="button"
      aria-disabled={!props.enabled}
      onClick={() => {
        if (props.enabled) props.onPress();
      }}
    >
      {props.label}
    </button>
  );
}

/** "51–100 of 2,340": where this page is in the filtered set. */
function position(first: number, shown: number, page: Page): string {
  const total = page.total_exact ? int(page.total) : `more than ${int(page.total)}`;
  return shown === 0 ? `0 of ${total}` : `${int(first)}–${int(first + shown - 1)} of ${total}`;
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
  const order = useSignal<Order>({ sort: 'time', order: 'desc' });
  // The cursor of every page walked past: Previous goes back one, the position is their count.
  const cursors = useSignal<string[]>([]);
  const cursor = cursors.value[cursors.value.length - 1];
  const live = useSignal(false);
  const selected = useSignal<string | null>(hashId);
  useEffect(() => {
    if (hashId) selected.value = hashId;
  }, [hashId, selected]);

  const params = () => {
    const all = {
      ...filters.value,
      limit: String(PAGE_SIZE),
      sort: order.value.sort,
      order: order.value.order,
      ...(cursor ? { cursor } : {}),
    };
    return new URLSearchParams(Object.entries(all).filter(([, v]) => v !== '')).toString();
  };
  const { data, error, loading, refresh } = usePoll(() => api<Page>(`/requests?${params()}`), live.value ? 2_000 : 0, [
    filters.value,
    order.value,
    cursor,
    live.value,
  ]);
  const set = (name: string, value: string) => {
    filters.value = { ...filters.value, [name]: value };
    cursors.value = [];
  };
  // The export holds the filtered set in the order shown.
  const exportQuery = new URLSearchParams([
    ...Object.entries(filters.value).filter(([, v]) => v !== ''),
    ['sort', order.value.sort],
    ['order', order.value.order],
  ]).toString();

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
              cursors.value = [];
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
      {!(data && data.data.length === 0) && !(error && !data) && (
        <div class="table-scroll">
          <table class="requests" aria-label="Requests">
            <SortableHeaderRow
              current={order.value}
              onSort={(next) => {
                order.value = next;
                cursors.value = [];
              }}
            />
            <tbody>
              {data?.data.map((row) => (
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
                    {int(row.inputTokens)} / {int(row.outputTokens)}
                  </td>
                  <td>{usd(row.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {/*
        The buttons stay where they are, told unavailable (aria-disabled) rather than removed, and the page's
        table keeps its headings while the next page loads: a keyboard user's focus stays on the button pressed.
      */}
      <nav class="pager" aria-label="Request pages">
        <PagerButton label="First" enabled={cursor !== undefined} onPress={() => (cursors.value = [])} />
        <PagerButton
          label="Previous"
          enabled={cursor !== undefined}
          onPress={() => (cursors.value = cursors.value.slice(0, -1))}
        />
        <PagerButton
          label="Next"
          enabled={Boolean(data?.next_cursor) && !live.value}
          onPress={() => {
            if (data?.next_cursor) cursors.value = [...cursors.value, data.next_cursor];
          }}
        />
        {data && (
          <span class="muted" data-position>
            {position(cursors.value.length * PAGE_SIZE + 1, data.data.length, data)}
          </span>
        )}
      </nav>
      {selected.value && <RequestDetail id={selected.value} onClose={() => (selected.value = null)} />}
    </div>
  );
}
