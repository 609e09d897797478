import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api, canWrite } from '../api.js';
import { Empty, ErrorBox, Field, HeaderRow, Loading } from '../components.js';
import { ConfirmDialog } from '../dialog.js';
import { int, time, usd } from '../format.js';
import { usePoll } from '../use-poll.js';
import type { LineProblem } from './config-editor.js';

interface Problem {
  path: string;
  message: string;
  line?: number | null;
}
interface Validation {
  valid: boolean;
  errors: Problem[];
  warnings: Problem[];
}
interface Revision {
  number: number;
  active: boolean;
  created_at: string;
  author: string;
  source: string;
  message: string;
  restored_from: number | null;
  guard: { window: string; state: string | null } | null;
}
type Change =
  | { kind: 'added' | 'removed'; path: string; value: unknown }
  | { kind: 'changed'; path: string; before: unknown; after: unknown; secret?: true }
  | { kind: 'reordered'; path: string; before: string[]; after: string[] };

/** POST /config/preview's impact (src/config/change/impact-preview.ts), as the CLI's preview shows it. */
interface Impact {
  requests: number;
  unknownModels: Array<{ model: string; requests: number }>;
  providers: Array<{
    provider: string;
    current: { requests: number; share: number };
    draft: { requests: number; share: number };
  }>;
  lostClients: Array<{ client: string; reason: string; requests: number }>;
  cost: { currentPerDay: number | null; draftPerDay: number | null; unpriced: string[] };
}

const share = (n: number) => `${Math.round(n * 1000) / 10}%`;
const requestCount = (n: number) => (Number.isInteger(n) ? int(n) : n.toFixed(1));

/** The impact preview in words and a table, not the API's JSON: what changes, for whom, at what cost. */
function ImpactView({ impact }: { impact: Impact }) {
  const { cost } = impact;
  return (
    <>
      <p data-replayed>
        {int(impact.requests)} {impact.requests === 1 ? 'request' : 'requests'} replayed against the active revision
        (nothing sent upstream).
      </p>
      <dl class="impact">
        <dt>Unknown models</dt>
        <dd>
          {impact.unknownModels.length === 0
            ? 'none'
            : impact.unknownModels.map((m) => `${m.model} (${int(m.requests)} requests would get 404)`).join(', ')}
        </dd>
        <dt>Clients losing access</dt>
        <dd>
          {impact.lostClients.length === 0
            ? 'none'
            : impact.lostClients.map((c) => `${c.client} (${c.reason}, ${int(c.requests)} requests)`).join(', ')}
        </dd>
        <dt>Cost per day</dt>
        <dd data-cost-per-day>
          {usd(cost.currentPerDay)} → {usd(cost.draftPerDay)}
          {cost.unpriced.length > 0 && ` (no price for ${cost.unpriced.join(', ')})`}
        </dd>
      </dl>
      {impact.providers.length === 0 ? (
        <p>No recorded traffic in the window.</p>
      ) : (
        <div class="table-scroll">
          <table aria-label="impact by provider">
            <HeaderRow columns={['Provider', 'Now', 'Draft', 'Change']} />
            <tbody>
              {impact.providers.map((p) => (
                <tr key={p.provider}>
                  <th scope="row">{p.provider}</th>
                  <td>
                    {requestCount(p.current.requests)} ({share(p.current.share)})
                  </td>
                  <td>
                    {requestCount(p.draft.requests)} ({share(p.draft.share)})
                  </td>
                  <td>
                    {p.draft.requests >= p.current.requests ? '+' : ''}
                    {requestCount(p.draft.requests - p.current.requests)}
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

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function describeChange(change: Change): string {
  if (change.kind === 'changed')
    return change.secret
      ? `${change.path}: secret changed`
      : `${change.path}: ${show(change.before)} → ${show(change.after)}`;
  if (change.kind === 'reordered')
    return `${change.path}: order ${change.before.join(', ')} → ${change.after.join(', ')}`;
  return `${change.kind} ${change.path}: ${show(change.value)}`;
}

function History({ onRolledBack }: { onRolledBack: () => void }) {
  const { data, error, refresh } = usePoll(() => api<{ data: Revision[] }>('/config/revisions?limit=20'), 0, []);
  const problem = useSignal('');
  const asking = useSignal<Revision | null>(null);
  const rollback = async (revision: Revision) => {
    asking.value = null;
    try {
      await api('/config/rollback', {
        method: 'POST',
        body: { revision: revision.number, message: `rollback to revision ${revision.number} from the Admin UI` },
      });
      problem.value = '';
      refresh();
      onRolledBack();
    } catch (failure) {
      problem.value = (failure as Error).message;
    }
  };
  useEffect(() => {
    const onPublished = () => refresh();
    window.addEventListener('amg:published', onPublished);
    return () => window.removeEventListener('amg:published', onPublished);
  }, [refresh]);
  return (
    <section aria-label="Revision history">
      <h2>History</h2>
      {asking.value && (
        <ConfirmDialog
          title={`Roll back to revision ${asking.value.number}`}
          message={`Roll back to revision ${asking.value.number}? It becomes the running config at once.`}
          confirm="Roll back"
          onConfirm={() => asking.value && rollback(asking.value)}
          onCancel={() => (asking.value = null)}
        />
      )}
      {problem.value && (
        <p class="state error" role="alert">
          {problem.value}
        </p>
      )}
      {error && !data && <ErrorBox error={error} retry={refresh} />}
      {data && (
        <div class="table-scroll">
          <table aria-label="Config revisions">
            <HeaderRow columns={['Revision', 'When', 'Who', 'Source', 'Message', 'Guard', '']} />
            <tbody>
              {data.data.map((r) => (
                <tr key={r.number} data-revision={r.number} class={r.active ? 'active' : ''}>
                  <td>
                    {r.number} {r.active && <span class="badge healthy">active</span>}
                  </td>
                  <td>{time(r.created_at)}</td>
                  <td>{r.author}</td>
                  <td>{r.source}</td>
                  <td>{r.message}</td>
                  <td>{r.guard ? `${r.guard.window} ${r.guard.state ?? ''}` : ''}</td>
                  <td>
                    {canWrite() && !r.active && (
                      <button
                        type="button"
                        onClick={() => (asking.value = r)}
                        aria-label={`roll back to revision ${r.number}`}
                      >
                        Roll back
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function ConfigPage() {
  const active = usePoll(() => api<{ revision: number; content: string }>('/config/export'), 0, []);
  const box = useRef<HTMLDivElement>(null);
  const text = useSignal('');
  const validation = useSignal<Validation | null>(null);
  const changes = useSignal<Change[] | null>(null);
  const preview = useSignal<unknown>(null);
  const message = useSignal('');
  const guard = useSignal(false);
  const outcome = useSignal('');
  const failure = useSignal('');
  const editorError = useSignal('');

  useEffect(() => {
    const el = box.current;
    const loaded = active.data;
    if (!el || !loaded) return undefined;
    text.value = loaded.content;
    let destroyed = false;
    let destroy = () => {};
    import('./config-editor.js').then(
      ({ createEditor }) => {
        if (destroyed) return;
        el.textContent = '';
        const view = createEditor(el, loaded.content, {
          readOnly: !canWrite(),
          onChange: (value) => {
            text.value = value;
            changes.value = null;
            preview.value = null;
          },
          validate: async (value): Promise<LineProblem[]> => {
            const result = await api<Validation>('/config/validate', { method: 'POST', body: { content: value } });
            validation.value = result;
            return [
              ...result.errors.map((p) => ({
                line: p.line ?? null,
                message: `${p.path}: ${p.message}`,
                severity: 'error' as const,
              })),
              ...result.warnings.map((p) => ({
                line: p.line ?? null,
                message: `${p.path}: ${p.message}`,
                severity: 'warning' as const,
              })),
            ];
          },
        });
        destroy = () => view.destroy();
      },
      (error: Error) => {
        editorError.value = `The editor could not load (${error.message}); reload the page.`;
      },
    );
    return () => {
      destroyed = true;
      destroy();
    };
  }, [active.data]);

  /**
   * One action at a time, said while it runs: on a slow admin API a publish takes seconds, and a second click on a
   * button that still looked ready sent a second publish (refused as a stale base, after the first had landed).
   */
  const working = useSignal<string | null>(null);
  const run = async (doing: string, what: () => Promise<void>) => {
    if (working.value) return;
    failure.value = '';
    working.value = doing;
    try {
      await what();
    } catch (error) {
      failure.value = (error as Error).message;
    } finally {
      working.value = null;
    }
  };
  const diff = () =>
    run('Comparing with the active revision', async () => {
      const report = await api<{ changes: Change[] }>('/config/diff', {
        method: 'POST',
        body: { target: { content: text.value } },
      });
      changes.value = report.changes;
    });
  const runPreview = () =>
    run('Previewing the impact on the last 24 h of traffic', async () => {
      preview.value = await api('/config/preview', {
        method: 'POST',
        body: { target: { content: text.value }, window: '24h' },
      });
    });
  const publish = (event: Event) => {
    event.preventDefault();
    return run('Publishing', async () => {
      const result = await api<{ status: string; revision: number | { number: number } | null }>('/config/publish', {
        method: 'POST',
        body: {
          content: text.value,
          message: message.value,
          ...(guard.value ? { guard: '5m' } : {}),
          base_revision: active.data?.revision,
        },
      });
      const number = typeof result.revision === 'object' && result.revision ? result.revision.number : result.revision;
      outcome.value =
        result.status === 'published'
          ? `Published revision ${number}.`
          : 'Nothing changed: the draft is the active config.';
      message.value = '';
      window.dispatchEvent(new Event('amg:published'));
      active.refresh();
    });
  };

  if (active.loading && !active.data) return <Loading what="the active config" />;
  if (active.error && !active.data) {
    return active.error.message.includes('no active revision') ? (
      <Empty>There is no config revision yet: start the gateway with a config file.</Empty>
    ) : (
      <ErrorBox error={active.error} retry={active.refresh} />
    );
  }
  const errors = validation.value?.errors ?? [];
  return (
    <>
      <p class="hint">
        Active revision {active.data?.revision}. Secrets show as <code>&lt;redacted&gt;</code>; leave them so and they
        keep their value.
        {canWrite() ? '' : ' You are a viewer: the editor is read-only.'}
      </p>
      <div class="editor" ref={box}>
        <pre>{active.data?.content}</pre>
      </div>
      {editorError.value && <p class="state error">{editorError.value}</p>}
      <section aria-label="Validation" class="validation" aria-live="polite">
        {validation.value === null ? (
          <p class="muted">Validating as you type…</p>
        ) : errors.length === 0 ? (
          <p class="state ok">Valid.</p>
        ) : (
          <ul class="problems">
            {errors.map((p) => (
              <li key={`${p.path}-${p.message}`} data-line={p.line ?? ''}>
                {p.line ? `Line ${p.line}: ` : ''}
                {p.path}: {p.message}
              </li>
            ))}
          </ul>
        )}
      </section>
      <div class="toolbar">
        <button type="button" onClick={diff} disabled={working.value !== null}>
          Diff against active
        </button>
        <button type="button" onClick={runPreview} disabled={working.value !== null}>
          Preview impact
        </button>
      </div>
      {working.value && (
        <p class="state" role="status" data-working>
          {working.value}…
        </p>
      )}
      {failure.value && (
        <p class="state error" role="alert">
          {failure.value}
        </p>
      )}
      {changes.value && (
        <section aria-label="Diff">
          <h2>Changes from the active revision</h2>
          {changes.value.length === 0 ? (
            <p>No changes.</p>
          ) : (
            <ul class="changes">
              {changes.value.map((c) => (
                <li key={c.path}>{describeChange(c)}</li>
              ))}
            </ul>
          )}
        </section>
      )}
      {preview.value !== null && (
        <section aria-label="Impact preview">
          <h2>Impact on the last 24 h of traffic</h2>
          <ImpactView impact={(preview.value as { impact: Impact }).impact} />
        </section>
      )}
      {canWrite() && (
        <form class="toolbar" onSubmit={publish} aria-label="Publish">
          <Field label="Message">
            <input
              name="message"
              required
              value={message.value}
              placeholder="what the change is for"
              onInput={(e) => (message.value = e.currentTarget.value)}
            />
          </Field>
          <label class="check">
            <input type="checkbox" checked={guard.value} onChange={(e) => (guard.value = e.currentTarget.checked)} />{' '}
            Guard for 5 min (roll back on its own if errors rise)
          </label>
          <button type="submit" disabled={errors.length > 0 || working.value !== null}>
            Publish
          </button>
        </form>
      )}
      {outcome.value && (
        <p class="state ok" role="status">
          {outcome.value}
        </p>
      )}
      <History onRolledBack={active.refresh} />
    </>
  );
}
