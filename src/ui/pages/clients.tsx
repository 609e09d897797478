import { useSignal } from '@preact/signals';
import { api, canWrite } from '../api.js';
import { Empty, ErrorBox, Field, HeaderRow, Loading } from '../components.js';
import { ConfirmDialog } from '../dialog.js';
import { day, int, time, usd } from '../format.js';
import { usePoll } from '../use-poll.js';
import { loadContext, snippets } from './client-snippets.js';
import { type Key, KeyEditor } from './key-editor.js';
import type { Policy } from './key-policy-form.js';
import { RotateDialog } from './rotate-dialog.js';

/** A key's policy in one line: why a client is limited or refused is the first question in an incident. */
function policySummary(policy: Policy | undefined): string {
  if (!policy) return '';
  const parts: string[] = [];
  for (const [field, label] of [
    ['rpm', 'rpm'],
    ['tpm', 'tpm'],
    ['max_concurrent', 'in flight'],
  ] as const) {
    if (policy[field] !== undefined) parts.push(`${int(policy[field])} ${label}`);
  }
  for (const [period, amount] of Object.entries(policy.budgets ?? {})) parts.push(`${usd(amount)}/${period}`);
  if (policy.models) parts.push(`models: ${policy.models.join(', ')}`);
  const perModel = Object.keys(policy.model_limits ?? {});
  if (perModel.length) parts.push(`limits for ${perModel.join(', ')}`);
  const tags = Object.entries(policy.tags ?? {});
  if (tags.length) parts.push(`tags: ${tags.map(([tag, value]) => `${tag}=${value}`).join(', ')}`);
  return parts.join(' · ') || 'no limits';
}

/** A client's figures over the chosen period, from the rollups (GET /clients/usage). */
interface Usage {
  client: string;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  last_used_at: string | null;
  last_used_within_ms: number | null;
}

const PERIODS = ['24h', '7d', '30d'];
const HEADINGS = [
  'Name',
  'Prefix',
  'Status',
  'Policy',
  'Created',
  'Expires',
  'Last used',
  'Requests',
  'Errors',
  'Tokens in / out',
];

/** To the minute within the last hour, to the hour within two days, else to the day (what the API knows). */
function lastUsed(usage: Usage | undefined): string {
  if (!usage?.last_used_at) return 'never';
  const within = usage.last_used_within_ms ?? 0;
  if (within >= 86_400_000) return day(usage.last_used_at);
  // A minute's bucket without its seconds: "23:46:00" read as an instant was before a key created at 23:46:20.
  const minute = within >= 60_000 ? time(usage.last_used_at).slice(0, -3) : time(usage.last_used_at);
  return within >= 3_600_000 ? `${minute} (within the hour)` : minute;
}

/**
 * Which key each client name's usage belongs to: usage is counted by name, so it is the active key's, or, when
 * no key of that name is active, the newest revoked or expired one's (a revoked key was used before it was
 * revoked). Older keys of a reused name get no figures rather than another key's.
 */
function usageOwners(keys: readonly Key[]): Map<string, string> {
  const owners = new Map<string, Key>();
  for (const key of keys) {
    const held = owners.get(key.name);
    const better =
      !held ||
      (key.status === 'active' && held.status !== 'active') ||
      (key.status === held.status && key.createdAt > held.createdAt);
    if (better) owners.set(key.name, key);
  }
  return new Map([...owners].map(([name, key]) => [name, key.id]));
}

function NoUsageCells() {
  return (
    <>
      <td data-figure="last-used">–</td>
      <td data-figure="requests">–</td>
      <td>–</td>
      <td>–</td>
      <td>–</td>
    </>
  );
}

function UsageCells({ usage }: { usage: Usage | undefined }) {
  return (
    <>
      <td data-figure="last-used">{lastUsed(usage)}</td>
      <td data-figure="requests">{int(usage?.requests ?? 0)}</td>
      <td>{int(usage?.errors ?? 0)}</td>
      <td>
        {int(usage?.input_tokens ?? 0)} / {int(usage?.output_tokens ?? 0)}
      </td>
      <td>{usd(usage?.cost_usd ?? 0)}</td>
    </>
  );
}

interface KeyPage {
  data: Key[];
  next_cursor: string | null;
}

/** A client the config file declares (GET /config-clients): read-only here. */
interface ConfigClient {
  name: string;
  expiresAt: string | null;
  policy: Policy;
}

/** Keys per page: the API's pages are bounded, and so is what one table renders. */
const PAGE_SIZE = 50;

/** The token just created or rotated: shown once, never again (only its hash is stored). */
function CreatedToken(props: { name: string; token: string; onDone(): void }) {
  const context = usePoll(loadContext, 0, []);
  const copied = useSignal('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.token);
      copied.value = 'Copied to the clipboard.';
    } catch {
      copied.value = 'The browser did not allow copying: select the token and copy it by hand.';
    }
  };
  return (
    <section class="created" aria-label="New token">
      <h2>Token for {props.name}</h2>
      <p class="warning">
        <strong>Copy it now: it is shown only once.</strong> Only its hash is stored; a lost token cannot be shown
        again, only rotated.
      </p>
      <pre data-token>{props.token}</pre>
      <div class="toolbar">
        <button type="button" onClick={copy}>
          Copy token
        </button>
        <span role="status">{copied.value}</span>
      </div>
      {context.data &&
        snippets(props.token, context.data).map(([title, code]) => (
          <details key={title}>
            <summary>{title}</summary>
            <pre>{code}</pre>
          </details>
        ))}
      <button type="button" onClick={props.onDone}>
        Done, hide it
      </button>
    </section>
  );
}

/** Config clients narrowed by the same search and tag as the keys (they are few: the config holds them all). */
function matchesSearch(client: ConfigClient, search: string, tag: string): boolean {
  if (search && !client.name.toLowerCase().includes(search.toLowerCase())) return false;
  if (!tag) return true;
  const [name = '', value] = tag.split('=', 2);
  const tags = client.policy.tags ?? {};
  return name in tags && (value === undefined || tags[name] === value);
}

export function ClientsPage() {
  const search = useSignal('');
  const tag = useSignal('');
  const status = useSignal('');
  // The cursor of every page after the first that was opened: Previous goes back one.
  const cursors = useSignal<string[]>([]);
  const cursor = cursors.value[cursors.value.length - 1];
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (search.value.trim()) params.set('search', search.value.trim());
  if (tag.value.trim()) params.set('tag', tag.value.trim());
  if (status.value) params.set('status', status.value);
  if (cursor) params.set('cursor', cursor);
  const query = params.toString();
  const { data, error, loading, refresh } = usePoll(() => api<KeyPage>(`/keys?${query}`), 10_000, [query]);
  const fromConfig = usePoll(() => api<{ data: ConfigClient[] }>('/config-clients'), 30_000, []);
  const period = useSignal('24h');
  const usage = usePoll(() => api<{ data: Usage[] }>(`/clients/usage?range=${period.value}`), 15_000, [period.value]);
  const usageOf = new Map((usage.data?.data ?? []).map((u) => [u.client, u]));
  const owners = usageOwners(data?.data ?? []);
  const configClients = (fromConfig.data?.data ?? []).filter((c) => matchesSearch(c, search.value.trim(), tag.value));
  const filtered = params.has('search') || params.has('tag') || params.has('status');
  // Clients the rollups counted that are neither a key nor a config client: the Providers page test, deleted
  // tokens. Told apart only when every key is on this page; otherwise a key on another page would show here.
  const complete = !filtered && !cursor && data?.next_cursor === null;
  const known = new Set([
    ...(data?.data ?? []).map((k) => k.name),
    ...(fromConfig.data?.data ?? []).map((c) => c.name),
  ]);
  const others = complete ? (usage.data?.data ?? []).filter((u) => !known.has(u.client)) : [];
  const editor = useSignal<{ editing?: Key } | null>(null);
  const created = useSignal<{ name: string; token: string } | null>(null);
  const problem = useSignal('');
  const newSearch = (apply: () => void) => {
    apply();
    cursors.value = [];
  };

  // A leaked token is rotated, not revoked: applications move to the new token while the old one runs out.
  const rotating = useSignal<Key | null>(null);
  const revoking = useSignal<Key | null>(null);
  // Read out by screen readers (aria-live) and shown: the result of a create, rotate or revoke.
  const announcement = useSignal('');
  const revoke = async (key: Key) => {
    revoking.value = null;
    problem.value = '';
    try {
      await api(`/keys/${encodeURIComponent(key.id)}`, { method: 'DELETE' });
      announcement.value = `Revoked ${key.name}: applications using it are refused.`;
    } catch (failure) {
      problem.value = (failure as Error).message;
    }
    refresh();
  };

  return (
    <>
      {canWrite() && !editor.value && (
        <div class="toolbar">
          <button type="button" onClick={() => (editor.value = {})}>
            New client key
          </button>
        </div>
      )}
      {editor.value && (
        <KeyEditor
          key={editor.value.editing?.id ?? 'new'}
          editing={editor.value.editing}
          onCancel={() => (editor.value = null)}
          onSaved={(saved) => {
            editor.value = null;
            if (saved.token) created.value = { name: saved.name, token: saved.token };
            announcement.value = saved.token
              ? `Created ${saved.name}: copy its token now.`
              : `Saved the policy of ${saved.name}.`;
            refresh();
          }}
        />
      )}
      <p class="announcement" role="status" aria-live="polite" data-announcement>
        {announcement.value}
      </p>
      {rotating.value && (
        <RotateDialog
          target={rotating.value}
          onRotated={(rotated) => {
            const until = rotated.previousTokenValidUntil;
            announcement.value = `Rotated ${rotated.name}: ${until ? `the old token works until ${time(until)}` : 'the old token stopped working'}.`;
            refresh();
          }}
          onClose={() => (rotating.value = null)}
        />
      )}
      {revoking.value && (
        <ConfirmDialog
          title={`Revoke ${revoking.value.name}`}
          message={`Revoke "${revoking.value.name}" (${revoking.value.prefix}…)? Applications using it are refused at once; this cannot be undone.`}
          confirm="Revoke"
          onConfirm={() => revoking.value && revoke(revoking.value)}
          onCancel={() => (revoking.value = null)}
        />
      )}
      {problem.value && (
        <p class="state error" role="alert">
          {problem.value}
        </p>
      )}
      {created.value && (
        <CreatedToken
          key={created.value.token}
          name={created.value.name}
          token={created.value.token}
          onDone={() => (created.value = null)}
        />
      )}
      <form class="toolbar" aria-label="Find client keys" onSubmit={(e) => e.preventDefault()}>
        <Field label="Search name, prefix or id">
          <input
            name="key-search"
            type="search"
            value={search.value}
            onInput={(e) => newSearch(() => (search.value = e.currentTarget.value))}
          />
        </Field>
        <Field label="Tag (name or name=value)">
          <input
            name="key-tag"
            type="search"
            value={tag.value}
            onInput={(e) => newSearch(() => (tag.value = e.currentTarget.value))}
          />
        </Field>
        <Field label="Status">
          <select
            name="key-status"
            value={status.value}
            onChange={(e) => newSearch(() => (status.value = e.currentTarget.value))}
          >
            {['', 'active', 'revoked', 'expired'].map((s) => (
              <option key={s} value={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Usage over the last">
          <select name="usage-period" value={period.value} onChange={(e) => (period.value = e.currentTarget.value)}>
            {PERIODS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </Field>
        {usage.error && <span class="state error">usage unavailable: {usage.error.message}</span>}
      </form>
      {loading && !data && <Loading what="client keys" />}
      {error && !data && <ErrorBox error={error} retry={refresh} />}
      {data && data.data.length === 0 && !cursor && (
        <Empty>
          {filtered ? 'No client key matches.' : 'No client keys yet: create one and give it to an application.'}
        </Empty>
      )}
      {data && data.data.length + others.length > 0 && (
        <div class="table-scroll">
          <table aria-label="Client keys">
            <HeaderRow columns={[...HEADINGS, `Cost (${period.value})`, '']} />
            <tbody>
              {data.data.map((key) => (
                <tr key={key.id} data-client={key.name}>
                  <td class="name">{key.name}</td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>
                    <span class={`badge ${key.status}`}>{key.status}</span>
                  </td>
                  <td data-policy>{policySummary(key.policy)}</td>
                  <td>{time(key.createdAt)}</td>
                  <td>
                    {key.expiresAt ? time(key.expiresAt) : 'never'}
                    {key.previousTokenValidUntil && (
                      <span class="muted" data-grace>
                        {' '}
                        (old token until {time(key.previousTokenValidUntil)})
                      </span>
                    )}
                  </td>
                  {owners.get(key.name) === key.id ? <UsageCells usage={usageOf.get(key.name)} /> : <NoUsageCells />}
                  <td class="actions">
                    {canWrite() && key.status === 'active' && (
                      <>
                        <button
                          type="button"
                          onClick={() => (editor.value = { editing: key })}
                          aria-label={`edit ${key.name}`}
                        >
                          Edit
                        </button>{' '}
                        <button type="button" onClick={() => (rotating.value = key)} aria-label={`rotate ${key.name}`}>
                          Rotate
                        </button>{' '}
                        <button type="button" onClick={() => (revoking.value = key)} aria-label={`revoke ${key.name}`}>
                          Revoke
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
              {others.map((u) => (
                <tr key={`other-${u.client}`} data-client={u.client}>
                  <td class="name">{u.client}</td>
                  <td>–</td>
                  <td>
                    <span
                      class="badge"
                      title="not a client key or a config client: the Providers page test, or a deleted token"
                    >
                      other
                    </span>
                  </td>
                  <td>–</td>
                  <td>–</td>
                  <td>–</td>
                  <UsageCells usage={u} />
                  <td />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Key pages">
        {cursor !== undefined && (
          <button type="button" onClick={() => (cursors.value = cursors.value.slice(0, -1))}>
            Previous
          </button>
        )}
        {data?.next_cursor && (
          <button type="button" onClick={() => (cursors.value = [...cursors.value, data.next_cursor as string])}>
            Next
          </button>
        )}
        {data && (
          <span class="muted" data-page>
            page {cursors.value.length + 1} · keys {cursors.value.length * PAGE_SIZE + 1}–
            {cursors.value.length * PAGE_SIZE + data.data.length}
          </span>
        )}
      </nav>
      {configClients.length > 0 && (
        <section aria-label="Config clients">
          <h2>Clients declared in the config file</h2>
          <p class="hint">
            Read-only here: the config file is their source, so a change made on this page would be undone by the next
            publish. Change them on the Config page (or with <code>amg config publish</code>).
          </p>
          <div class="table-scroll">
            <table aria-label="Config clients">
              <HeaderRow
                columns={[
                  'Name',
                  'Status',
                  'Policy',
                  'Expires',
                  'Last used',
                  'Requests',
                  'Errors',
                  'Tokens in / out',
                  `Cost (${period.value})`,
                ]}
              />
              <tbody>
                {configClients.map((client) => (
                  <tr key={`config-${client.name}`} data-client={client.name}>
                    <td class="name">{client.name}</td>
                    <td>
                      <span class="badge" title="declared in the config file: edit it on the Config page">
                        config
                      </span>
                    </td>
                    <td data-policy>{policySummary(client.policy)}</td>
                    <td>{client.expiresAt ? time(client.expiresAt) : 'never'}</td>
                    <UsageCells usage={usageOf.get(client.name)} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}
