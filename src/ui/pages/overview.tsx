import { api } from '../api.js';
import { Empty, ErrorBox, Loading, Sparkline } from '../components.js';
import { int, ms, pct, time, usd } from '../format.js';
import { usePoll } from '../use-poll.js';

interface Window {
  window: string;
  requests: number;
  errors: number;
  error_rate: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  latency_p99_ms: number | null;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  sparkline: number[];
}

export interface TargetStatus {
  id: string;
  provider: string;
  model: string;
  used_by: string[];
  state: string;
  cooling_until: string | null;
  reason: string | null;
  success_rate: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  samples: number;
  last_error: { at: string; message: string } | null;
}

interface Overview {
  windows: Window[];
  targets: TargetStatus[];
  incidents: {
    changes: Array<{ kind: string; time: string; actor: string; outcome: string; target: string | null }>;
    breakers: Array<{ target: string; state: string; until: string | null; reason: string | null }>;
    fallbacks: Array<{ time: string; id: string; model: string | null; provider: string | null; attempts: number }>;
  };
}

export function StateBadge({ state }: { state: string }) {
  return <span class={`badge ${state}`}>{state}</span>;
}

export function OverviewPage() {
  const { data, error, loading, refresh } = usePoll(() => api<Overview>('/overview'), 5_000, []);
  if (loading && !data) return <Loading what="the overview" />;
  if (error && !data) return <ErrorBox error={error} retry={refresh} />;
  if (!data) return null;
  const week = data.windows.find((w) => w.window === '7d');
  return (
    <>
      {week?.requests === 0 && (
        <Empty>
          No requests yet: create a client token on the <a href="#/clients">Clients</a> page and send a request to the
          gateway.
        </Empty>
      )}
      <section class="tiles" aria-label="Traffic by window">
        {data.windows.map((w) => (
          <article class="tile" key={w.window} data-window={w.window}>
            <h2>Last {w.window}</h2>
            <Sparkline values={w.sparkline} label={`requests over the last ${w.window}`} />
            <dl>
              <dt>Requests</dt>
              <dd data-figure="requests">{int(w.requests)}</dd>
              <dt>Error rate</dt>
              <dd data-figure="error-rate">{pct(w.error_rate)}</dd>
              <dt>Latency p50 / p95 / p99</dt>
              <dd>
                {ms(w.latency_p50_ms)} / {ms(w.latency_p95_ms)} / {ms(w.latency_p99_ms)}
              </dd>
              <dt>Time to first token p50 / p95</dt>
              <dd>
                {ms(w.ttft_p50_ms)} / {ms(w.ttft_p95_ms)}
              </dd>
              <dt>Tokens in / out</dt>
              <dd>
                {int(w.input_tokens)} / {int(w.output_tokens)}
              </dd>
              <dt>Cost</dt>
              <dd>{usd(w.cost_usd)}</dd>
            </dl>
          </article>
        ))}
      </section>
      <section>
        <h2>Provider health</h2>
        {data.targets.length === 0 ? (
          <Empty>
            No providers are configured: add one on the <a href="#/config">Config</a> page.
          </Empty>
        ) : (
          <ul class="health">
            {data.targets.map((t) => (
              <li key={t.id}>
                <StateBadge state={t.state} /> {t.id} <span class="muted">success {pct(t.success_rate)}</span>
                {t.reason && <span class="muted"> · {t.reason}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section>
        <h2>Recent incidents (24 h)</h2>
        {data.incidents.changes.length + data.incidents.breakers.length + data.incidents.fallbacks.length === 0 ? (
          <Empty>Nothing happened: no config changes, open breakers or fallbacks in the last 24 hours.</Empty>
        ) : (
          <ul class="incidents">
            {data.incidents.breakers.map((b) => (
              <li key={b.target}>
                <StateBadge state={b.state} /> breaker on {b.target} until {b.until ? time(b.until) : '–'}: {b.reason}
              </li>
            ))}
            {data.incidents.changes.map((c) => (
              <li key={`${c.time}-${c.kind}`}>
                <span class="badge">{c.kind}</span> {time(c.time)} {c.target ?? ''} by {c.actor} ({c.outcome})
              </li>
            ))}
            {data.incidents.fallbacks.map((f) => (
              <li key={f.id}>
                {/* The attempts include the one that served it: one attempt means the first choice was skipped. */}
                <span class="badge cooling">fallback</span> {time(f.time)} {f.model} served by {f.provider} in{' '}
                {f.attempts === 1 ? '1 attempt' : `${f.attempts} attempts`}{' '}
                <a href={`#/requests?id=${f.id}`} aria-label={`open request ${f.id}`}>
                  details
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
