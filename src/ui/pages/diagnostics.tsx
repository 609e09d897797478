import { api, canWrite, me } from '../api.js';
import { ErrorBox, HeaderRow, Loading } from '../components.js';
import { int, time } from '../format.js';
import { usePoll } from '../use-poll.js';

interface Diagnostics {
  version: string;
  node: string;
  platform: string;
  pid: number;
  started_at: string;
  uptime_s: number;
  memory: { rss_bytes: number; heap_used_bytes: number };
  storage: {
    kind: string;
    file: string;
    size_bytes: number;
    retention: {
      requests_days: number;
      rollup_minute_days: number;
      rollup_ten_minute_days: number;
      rollup_hour_days: number;
      rollup_six_hour_days: number;
      rollup_day_days: number;
    };
  };
  config: { path: string; revision: number | null; file: { state: string }; guard: unknown };
  listeners: { data: string; admin: string; admin_separate: boolean };
  telemetry: { pending: number; written: number; dropped: number; flush_interval_ms: number; batch_size: number };
  in_flight: number;
}
interface Session {
  id: string;
  name: string;
  role: string;
  kind: string;
  origin: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const days = (n: number) => (n === 0 ? 'forever' : `${n} days`);

function Sessions() {
  const { data, error, refresh } = usePoll(() => api<{ data: Session[] }>('/sessions'), 10_000, []);
  const revoke = async (id: string) => {
    await api(`/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }).catch(() => undefined);
    refresh();
  };
  return (
    <section aria-label="Signed-in sessions">
      <h2>Who is signed in</h2>
      {error && !data && <ErrorBox error={error} retry={refresh} />}
      {data && (
        <div class="table-scroll">
          <table aria-label="Signed-in sessions">
            <HeaderRow columns={['Name', 'Role', 'With', 'From', 'Signed in', 'Last seen', 'Expires', '']} />
            <tbody>
              {data.data.map((s) => (
                <tr key={s.id} data-session={s.id}>
                  <td>{s.name}</td>
                  <td>{s.role}</td>
                  <td>{s.kind === 'user' ? 'password' : 'admin token'}</td>
                  <td>{s.origin}</td>
                  <td>{time(s.createdAt)}</td>
                  <td>{time(s.lastSeenAt)}</td>
                  <td>{time(s.expiresAt)}</td>
                  <td>
                    {canWrite() && (
                      <button type="button" onClick={() => revoke(s.id)} aria-label={`revoke session of ${s.name}`}>
                        Revoke
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

export function DiagnosticsPage() {
  const { data, error, loading, refresh } = usePoll(() => api<Diagnostics>('/diagnostics'), 10_000, []);
  if (loading && !data) return <Loading what="diagnostics" />;
  if (error && !data) return <ErrorBox error={error} retry={refresh} />;
  if (!data) return null;
  return (
    <>
      <section class="kv-grid">
        <dl class="kv">
          <dt>Version</dt>
          <dd>{data.version}</dd>
          <dt>Node.js</dt>
          <dd>
            {data.node} ({data.platform})
          </dd>
          <dt>Up since</dt>
          <dd>
            {time(data.started_at)} ({int(data.uptime_s / 60)} min, pid {data.pid})
          </dd>
          <dt>Memory</dt>
          <dd>
            {mib(data.memory.rss_bytes)} resident, {mib(data.memory.heap_used_bytes)} heap
          </dd>
          <dt>Listeners</dt>
          <dd>
            data plane {data.listeners.data}; admin {data.listeners.admin}
            {data.listeners.admin_separate ? '' : ' (same port)'}
          </dd>
        </dl>
        <dl class="kv">
          <dt>Storage</dt>
          <dd>
            {data.storage.kind} {data.storage.file}, {mib(data.storage.size_bytes)}
          </dd>
          <dt>Retention</dt>
          <dd>
            requests {days(data.storage.retention.requests_days)}; rollups per minute{' '}
            {days(data.storage.retention.rollup_minute_days)}, ten minutes{' '}
            {days(data.storage.retention.rollup_ten_minute_days)}, hour {days(data.storage.retention.rollup_hour_days)},
            six hours {days(data.storage.retention.rollup_six_hour_days)}, day{' '}
            {days(data.storage.retention.rollup_day_days)}
          </dd>
          <dt>Config</dt>
          <dd>
            {data.config.path}, revision {data.config.revision ?? '–'}; file {data.config.file.state}
          </dd>
          <dt>Telemetry queue</dt>
          <dd>
            {int(data.telemetry.pending)} pending, {int(data.telemetry.written)} written, {int(data.telemetry.dropped)}{' '}
            dropped (batches of {data.telemetry.batch_size} every {data.telemetry.flush_interval_ms} ms)
          </dd>
          <dt>In flight</dt>
          <dd>{int(data.in_flight)}</dd>
        </dl>
      </section>
      <p>
        <a class="button" href="/admin/api/diagnostics/bundle" download>
          Download support bundle
        </a>{' '}
        <span class="hint">Secrets and tokens are redacted. Signed in as {me.value?.name}.</span>
      </p>
      <Sessions />
    </>
  );
}
