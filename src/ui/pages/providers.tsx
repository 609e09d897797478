import { useSignal } from '@preact/signals';
import { api, canWrite } from '../api.js';
import { Empty, ErrorBox, Field, HeaderRow, Loading } from '../components.js';
import { ms, pct, time } from '../format.js';
import { usePoll } from '../use-poll.js';
import { StateBadge, type TargetStatus } from './overview.js';

interface Providers {
  data: Array<{
    name: string;
    type: string;
    base_url: string;
    configured: boolean;
    missing_env: string | null;
    targets: TargetStatus[];
  }>;
}
interface TestResult {
  model: string;
  status: number;
  provider: string | null;
  upstream_model: string | null;
  route: string | null;
  latency_ms: number;
  answer: string | null;
  error: string | null;
  request_id: string | null;
}

/**
 * Until when a target cools. A half-open one's cooldown is over (its time is past): the next request to it is a
 * trial that closes or reopens it, which is what the cell says instead of a past time.
 */
function until(t: TargetStatus): string {
  if (t.state === 'half-open') return 'cooldown over: the next request is a trial';
  return t.cooling_until ? time(t.cooling_until) : '–';
}

/** Whether a provider answers to what was typed: its name, type, or a model it serves or is served as. */
function matches(provider: Providers['data'][number], typed: string): boolean {
  const wanted = typed.trim().toLowerCase();
  if (!wanted) return true;
  const names = [provider.name, provider.type, ...provider.targets.flatMap((t) => [t.model, ...t.used_by])];
  return names.some((name) => name.toLowerCase().includes(wanted));
}

export function ProvidersPage() {
  const { data, error, loading, refresh } = usePoll(() => api<Providers>('/providers'), 5_000, []);
  const results = useSignal<Record<string, TestResult | string>>({});
  // A hundred providers make a page 13,000 px long: the one an operator is after is found by name.
  const find = useSignal('');
  const testing = (model: string) => results.value[model] === 'testing…';
  const test = async (model: string) => {
    // A test takes as long as the upstream does: a second click meanwhile would send a second real request.
    if (testing(model)) return;
    results.value = { ...results.value, [model]: 'testing…' };
    try {
      const result = await api<TestResult>(`/models/${encodeURIComponent(model)}/test`, { method: 'POST' });
      results.value = { ...results.value, [model]: result };
    } catch (failure) {
      results.value = { ...results.value, [model]: (failure as Error).message };
    }
    refresh();
  };
  if (loading && !data) return <Loading what="providers" />;
  if (error && !data) return <ErrorBox error={error} retry={refresh} />;
  if (!data || data.data.length === 0)
    return (
      <Empty>
        No providers are configured: add one on the <a href="#/config">Config</a> page.
      </Empty>
    );
  const shown = data.data.filter((provider) => matches(provider, find.value));
  return (
    <>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()} aria-label="Find a provider">
        <Field label="Find provider or model">
          <input type="search" value={find.value} onInput={(e) => (find.value = e.currentTarget.value)} />
        </Field>
        <span class="hint" role="status">
          {shown.length === data.data.length
            ? `${data.data.length} ${data.data.length === 1 ? 'provider' : 'providers'}`
            : `${shown.length} of ${data.data.length} providers`}
        </span>
      </form>
      {shown.length === 0 && <Empty>No provider, type or model matches "{find.value.trim()}".</Empty>}
      {shown.map((provider) => (
        <section key={provider.name} class="provider">
          <h2>
            {provider.name}{' '}
            <span class="muted">
              {provider.type} · {provider.base_url}
            </span>
          </h2>
          {!provider.configured && <p class="state error">Not configured: set {provider.missing_env} and restart.</p>}
          <div class="table-scroll">
            <table aria-label={`Targets of ${provider.name}`}>
              <HeaderRow columns={['Target', 'State', 'Until', 'Success', 'p50', 'p95', 'Last error']} />
              <tbody>
                {provider.targets.map((t) => {
                  const model = t.used_by[0];
                  const result = model ? results.value[model] : undefined;
                  return (
                    <tr key={t.id}>
                      <td class="name">
                        {t.model} <span class="muted">for {t.used_by.join(', ')}</span>
                        {/* In the first column: on a phone it is reachable without scrolling the table sideways. */}
                        {model && canWrite() && (
                          <div class="test-now">
                            <button
                              type="button"
                              onClick={() => test(model)}
                              aria-label={`test ${model} now`}
                              disabled={!provider.configured || testing(model)}
                              aria-describedby={provider.configured ? undefined : `why-untestable-${provider.name}`}
                            >
                              Test now
                            </button>
                            {!provider.configured && (
                              <span class="muted" id={`why-untestable-${provider.name}`}>
                                Set {provider.missing_env} and restart to test.
                              </span>
                            )}
                            {typeof result === 'string' && <span role="status">{result}</span>}
                            {result && typeof result !== 'string' && (
                              <span role="status" class={result.error ? 'error' : 'ok'} data-test-result={model}>
                                {result.status} via {result.provider ?? '–'}/{result.upstream_model ?? '–'} (
                                {result.route ?? '–'}) in {ms(result.latency_ms)}: {result.error ?? result.answer}
                              </span>
                            )}
                          </div>
                        )}
                      </td>
                      <td>
                        <StateBadge state={t.state} /> {t.reason ?? ''}
                      </td>
                      <td>{until(t)}</td>
                      <td>
                        {pct(t.success_rate)} <span class="muted">({t.samples})</span>
                      </td>
                      <td>{ms(t.latency_p50_ms)}</td>
                      <td>{ms(t.latency_p95_ms)}</td>
                      <td>{t.last_error ? `${time(t.last_error.at)}: ${t.last_error.message}` : '–'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </>
  );
}
