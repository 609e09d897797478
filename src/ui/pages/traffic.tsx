import { useSignal } from '@preact/signals';
import { useCallback, useMemo } from 'preact/hooks';
import { api } from '../api.js';
import { Chart, type ChartSeries, Empty, ErrorBox, Field, Loading, MAX_SERIES } from '../components.js';
import { int } from '../format.js';
import { usePoll } from '../use-poll.js';

interface Point {
  t: number;
  requests: number;
  errors: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  latency_p99_ms: number | null;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}
interface Traffic {
  totals: { requests: number };
  series: Array<{ group: string; points: Point[] }>;
  /** Groups the API summed into the `other` series, busiest first. */
  folded: Array<{ group: string; requests: number }>;
  status_classes: Array<{ group: string; points: Array<{ t: number; requests: number }> }>;
}

const RANGES = ['15m', '1h', '6h', '24h', '7d', '30d'];
const GROUPS = [
  ['', 'nothing (all traffic)', ''],
  ['model', 'model', 'models'],
  ['provider', 'provider', 'providers'],
  ['client', 'client key', 'client keys'],
  ['entry_point', 'entry dialect', 'entry dialects'],
];
/** The folded groups named one by one under the charts; past this many, how many more. */
const FOLDED_NAMED = 20;

/** What `other` holds, in words: "other" sums the 12 least busy models: a (40 requests), b (12), … */
function FoldedNote({ folded, plural }: { folded: Traffic['folded']; plural: string }) {
  const named = folded
    .slice(0, FOLDED_NAMED)
    .map((f, i) => `${f.group} (${int(f.requests)}${i === 0 ? ' requests' : ''})`);
  const more = folded.length - named.length;
  return (
    <p class="hint folded">
      “other” on these charts sums the {folded.length} least busy {plural}: {named.join(', ')}
      {more > 0 ? ` and ${more} more` : ''}.
    </p>
  );
}

export function TrafficPage() {
  const range = useSignal('1h');
  const group = useSignal('');
  const zoom = useSignal<[number, number] | null>(null);
  const query = () => {
    // One series per colour: the API folds the least busy groups past the eighth into `other`.
    const params = new URLSearchParams({ range: range.value, group: group.value, top: String(MAX_SERIES) });
    if (zoom.value) {
      params.set('since', String(zoom.value[0]));
      params.set('until', String(zoom.value[1]));
    }
    return `/traffic?${params}`;
  };
  const { data, error, loading, refresh } = usePoll(() => api<Traffic>(query()), zoom.value ? 0 : 15_000, [
    range.value,
    group.value,
    zoom.value,
  ]);
  const onZoom = useCallback((since: number, until: number) => {
    zoom.value = [since, until];
  }, []);
  const charts = useMemo(() => {
    if (!data) return undefined;
    const times = data.series[0]?.points.map((p) => p.t) ?? data.status_classes[0]?.points.map((p) => p.t) ?? [];
    const plural = GROUPS.find(([value]) => value === group.value)?.[2] ?? 'groups';
    const folded = data.folded ?? [];
    const name = (g: string) =>
      folded.length > 0 && g === 'other' ? `other (${folded.length} ${plural})` : g || '(none)';
    // Grouped, a group has one colour on every chart (the folded `other` the palette's last, slate); a chart of
    // all traffic colours its figures (p50, p95, p99) apart instead.
    const per = (pick: (p: Point) => number | null, suffix = '', dashed = false): ChartSeries[] =>
      data.series.map((s, i) => ({
        label: `${name(s.group)}${suffix}`,
        values: s.points.map(pick),
        ...(group.value
          ? { color: folded.length > 0 && i === data.series.length - 1 ? MAX_SERIES - 1 : i, dashed }
          : {}),
      }));
    const latency: ChartSeries[] = group.value
      ? per((p) => p.latency_p95_ms, ' p95')
      : [
          ...per((p) => p.latency_p50_ms, ' p50'),
          ...per((p) => p.latency_p95_ms, ' p95'),
          ...per((p) => p.latency_p99_ms, ' p99'),
        ];
    return {
      plural,
      times,
      requests: per((p) => p.requests),
      classes: data.status_classes.map((s) => ({ label: s.group, values: s.points.map((p) => p.requests) })),
      latency,
      ttft: group.value
        ? per((p) => p.ttft_p95_ms, ' p95')
        : [...per((p) => p.ttft_p50_ms, ' p50'), ...per((p) => p.ttft_p95_ms, ' p95')],
      tokens: [...per((p) => p.input_tokens, ' in'), ...per((p) => p.output_tokens, ' out', Boolean(group.value))],
      cost: per((p) => p.cost_usd),
    };
  }, [data, group.value]);

  return (
    <>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
        <Field label="Range">
          <select
            value={range.value}
            onChange={(e) => {
              range.value = e.currentTarget.value;
              zoom.value = null;
            }}
          >
            {RANGES.map((r) => (
              <option key={r} value={r}>
                last {r}
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
        {zoom.value && (
          <button type="button" onClick={() => (zoom.value = null)}>
            Reset zoom
          </button>
        )}
        <span class="hint">Drag across a chart to zoom in.</span>
      </form>
      {loading && !data && <Loading what="traffic" />}
      {error && !data && <ErrorBox error={error} retry={refresh} />}
      {data && data.totals.requests === 0 && (
        <Empty>
          No requests in this range: widen the range, or create a client token on the <a href="#/clients">Clients</a>{' '}
          page and send traffic.
        </Empty>
      )}
      {/* No requests: the sentence above is the whole state, not six empty charts without axes under it. */}
      {charts && data && data.totals.requests > 0 && (data.folded ?? []).length > 0 && (
        <FoldedNote folded={data.folded} plural={charts.plural} />
      )}
      {charts && data && data.totals.requests > 0 && (
        <div class="charts">
          <Chart title="Requests" times={charts.times} series={charts.requests} onZoom={onZoom} />
          <Chart title="Responses by status class" times={charts.times} series={charts.classes} onZoom={onZoom} />
          <Chart title="Latency" unit=" ms" times={charts.times} series={charts.latency} onZoom={onZoom} />
          <Chart title="Time to first token" unit=" ms" times={charts.times} series={charts.ttft} onZoom={onZoom} />
          <Chart title="Tokens" times={charts.times} series={charts.tokens} onZoom={onZoom} />
          <Chart title="Cost (USD)" times={charts.times} series={charts.cost} onZoom={onZoom} />
        </div>
      )}
    </>
  );
}
