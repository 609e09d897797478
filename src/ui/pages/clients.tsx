import { useSignal } from '@preact/signals';
import { api, canWrite } from '../api.js';
import { Empty, ErrorBox, Field, Loading } from '../components.js';
import { int, time, usd } from '../format.js';
import { usePoll } from '../use-poll.js';
import { loadContext, snippets } from './client-snippets.js';

interface Key {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  status: string;
  policy: Policy;
  /** Until when the token a rotation replaced still works. */
  previousTokenValidUntil: string | null;
}

interface Limits {
  rpm?: number;
  tpm?: number;
  max_concurrent?: number;
}
interface Policy extends Limits {
  models?: string[];
  model_limits?: Record<string, Limits>;
  budgets?: { day?: number; month?: number; total?: number };
  tags?: Record<string, string>;
}

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
  if (within >= 86_400_000) return new Date(usage.last_used_at).toLocaleDateString('en-GB');
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

export function ClientsPage() {
  const { data, error, loading, refresh } = usePoll(() => api<{ data: Key[] }>('/keys'), 10_000, []);
  const period = useSignal('24h');
  const usage = usePoll(() => api<{ data: Usage[] }>(`/clients/usage?range=${period.value}`), 15_000, [period.value]);
  const usageOf = new Map((usage.data?.data ?? []).map((u) => [u.client, u]));
  const keyNames = new Set((data?.data ?? []).map((k) => k.name));
  const owners = usageOwners(data?.data ?? []);
  // Clients the rollups counted that are not tokens listed here: config-file clients, test now, deleted tokens.
  const others = (usage.data?.data ?? []).filter((u) => !keyNames.has(u.client));
  const context = usePoll(loadContext, 0, []);
  const name = useSignal('');
  const created = useSignal<{ name: string; token: string } | null>(null);
  const problem = useSignal('');

  const create = async (event: Event) => {
    event.preventDefault();
    problem.value = '';
    try {
      const key = await api<Key & { token: string }>('/keys', { method: 'POST', body: { name: name.value } });
      created.value = { name: key.name, token: key.token };
      name.value = '';
      refresh();
    } catch (failure) {
      problem.value = (failure as Error).message;
    }
  };
  // A leaked token is rotated, not revoked: applications move to the new token while the old one runs out.
  const rotate = async (key: Key) => {
    const grace = window.prompt(
      `Rotate "${key.name}": a new token is shown once. How long should the old token keep working? ` +
        '(e.g. 30m, 24h; 0 = stops at once)',
      '0',
    );
    if (grace === null) return;
    problem.value = '';
    try {
      const body = grace.trim() === '' || grace.trim() === '0' ? {} : { grace: grace.trim() };
      const rotated = await api<Key & { token: string }>(`/keys/${encodeURIComponent(key.id)}/rotate`, {
        method: 'POST',
        body,
      });
      created.value = { name: rotated.name, token: rotated.token };
    } catch (failure) {
      problem.value = (failure as Error).message;
    }
    refresh();
  };
  const revoke = async (key: Key) => {
    if (!window.confirm(`Revoke "${key.name}"? Applications using it are refused at once.`)) return;
    try {
      await api(`/keys/${encodeURIComponent(key.id)}`, { method: 'DELETE' });
    } catch (failure) {
      problem.value = (failure as Error).message;
    }
    refresh();
  };

  return (
    <>
      {canWrite() && (
        <form class="toolbar" onSubmit={create} aria-label="Create a client token">
          <Field label="New client name">
            <input
              name="client-name"
              required
              pattern="[A-Za-z0-9][A-Za-z0-9._:@\-]*"
              value={name.value}
              onInput={(e) => (name.value = e.currentTarget.value)}
            />
          </Field>
          <button type="submit">Create token</button>
        </form>
      )}
      {problem.value && (
        <p class="state error" role="alert">
          {problem.value}
        </p>
      )}
      {created.value && (
        <section class="created" aria-label="New token">
          <h2>Token for {created.value.name}</h2>
          <p>
            <strong>Copy it now: it is shown only once.</strong> Only its hash is stored.
          </p>
          <pre data-token>{created.value.token}</pre>
          {context.data &&
            snippets(created.value.token, context.data).map(([title, code]) => (
              <details key={title}>
                <summary>{title}</summary>
                <pre>{code}</pre>
              </details>
            ))}
          <button type="button" onClick={() => (created.value = null)}>
            Done, hide it
          </button>
        </section>
      )}
      {loading && !data && <Loading what="client tokens" />}
      {error && <ErrorBox error={error} retry={refresh} />}
      {data && data.data.length === 0 && (
        <Empty>No client tokens yet: create one above and give it to an application.</Empty>
      )}
      <div class="toolbar">
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
      </div>
      {data && data.data.length + others.length > 0 && (
        <table>
          <thead>
            <tr>
              {[...HEADINGS, `Cost (${period.value})`, ''].map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.data.map((key) => (
              <tr key={key.id} data-client={key.name}>
                <td>{key.name}</td>
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
                <td>
                  {canWrite() && key.status === 'active' && (
                    <>
                      <button type="button" onClick={() => rotate(key)} aria-label={`rotate ${key.name}`}>
                        Rotate
                      </button>{' '}
                      <button type="button" onClick={() => revoke(key)} aria-label={`revoke ${key.name}`}>
                        Revoke
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
            {others.map((u) => (
              <tr key={`other-${u.client}`} data-client={u.client}>
                <td>{u.client}</td>
                <td>–</td>
                <td>
                  <span
                    class="badge"
                    title="not a token listed here: a client from the config file, the Providers page test, or a deleted token"
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
      )}
    </>
  );
}
