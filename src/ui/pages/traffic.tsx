import { useSignal } from '@preact/signals';
import { useCallback, useMemo } from 'preact/hooks';
import { api } from '../api.js';
import { Chart, type ChartSeries, Empty, ErrorBox, Field, Loading } from '../components.js';
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
  status_classes: Array<{ group: string; points: Array<{ t: number; requests: number }> }>;
}

const RANGES = ['15m', '1h', '6h', '24h', '7d', '30d'];
const GROUPS = [
  ['', 'nothing (all traffic)'],
  ['model', 'model'],
  ['provider', 'provider'],
  ['client', 'client key'],
  ['entry_point', 'entry dialect'],
];

export function TrafficPage() {
  const range = useSignal('1h');
  const group = useSignal('');
  const zoom = useSignal<[number, number] | null>(null);
  const query = () => {
    const params = new URLSearchParams({ range: range.value, group: group.value });
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
    const per = (pick: (p: Point) => number | null, suffix = ''): ChartSeries[] =>
      data.series.map((s) => ({ label: `${s.group || '(none)'}${suffix}`, values: s.points.map(pick) }));
    const latency: ChartSeries[] = group.value
      ? per((p) => p.latency_p95_ms, ' p95')
      : [
          ...per((p) => p.latency_p50_ms, ' p50'),
          ...per((p) => p.latency_p95_ms, ' p95'),
          ...per((p) => p.latency_p99_ms, ' p99'),
        ];
    return {
      times,
      requests: per((p) => p.requests),
      classes: data.status_classes.map((s) => ({ label: s.group, values: s.points.map((p) => p.requests) })),
      latency,
      ttft: group.value
        ? per((p) => p.ttft_p95_ms, ' p95')
        : [...per((p) => p.ttft_p50_ms, ' p50'), ...per((p) => p.ttft_p95_ms, ' p95')],
      tokens: [...per((p) => p.input_tokens, ' in'), ...per((p) => p.output_tokens, ' out')],
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
