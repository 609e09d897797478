import { useSignal } from '@preact/signals';
import { render } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { api, type Me, me, meOf, principalOf } from './api.js';
import { clock, timeZone } from './format.js';
import { AuditPage } from './pages/audit.js';
import { ClientsPage } from './pages/clients.js';
import { ConfigPage } from './pages/config.js';
import { DiagnosticsPage } from './pages/diagnostics.js';
import { OverviewPage } from './pages/overview.js';
import { ProvidersPage } from './pages/providers.js';
import { RequestsPage } from './pages/requests.js';
import { SignInPage } from './pages/sign-in.js';
import { TrafficPage } from './pages/traffic.js';
import { UsagePage } from './pages/usage.js';
import { RETRY_EVENT, refreshTrouble } from './use-poll.js';
import './styles.css';

const PAGES = [
  { path: 'overview', title: 'Overview', view: OverviewPage },
  { path: 'traffic', title: 'Traffic', view: TrafficPage },
  { path: 'requests', title: 'Requests', view: RequestsPage },
  { path: 'usage', title: 'Usage', view: UsagePage },
  { path: 'providers', title: 'Providers', view: ProvidersPage },
  { path: 'clients', title: 'Clients', view: ClientsPage },
  { path: 'config', title: 'Config', view: ConfigPage },
  { path: 'audit', title: 'Audit', view: AuditPage },
  { path: 'diagnostics', title: 'Diagnostics', view: DiagnosticsPage },
];

function currentPath(): string {
  return location.hash.replace(/^#\/?/, '').split('?')[0] || 'overview';
}

/** Who was signed in last: kept when the session ends mid-work, cleared by signing out. */
let signedInAs: Me | undefined;

function App() {
  const path = useSignal(currentPath());
  useEffect(() => {
    const onHash = () => {
      path.value = currentPath();
    };
    window.addEventListener('hashchange', onHash);
    api<Parameters<typeof meOf>[0]>('/session').then(
      (who) => {
        me.value = meOf(who);
      },
      () => {
        me.value = null;
      },
    );
    return () => window.removeEventListener('hashchange', onHash);
  }, [path]);
  // Signed in again over a page kept from before: it loads now rather than at its next tick.
  const kept = useRef(false);
  useEffect(() => {
    if (me.value === null && signedInAs) kept.current = true;
    else if (me.value && kept.current) {
      kept.current = false;
      window.dispatchEvent(new Event(RETRY_EVENT));
    }
  }, [me.value]);

  if (me.value === undefined) return <p class="state">Checking your session…</p>;
  if (me.value) signedInAs = me.value;
  // A session that ended mid-work (expired, revoked) keeps the page mounted but hidden behind the sign-in form, so
  // what was typed on it is still there after signing in again; another principal (a user or token, even of the same name) gets fresh pages.
  const held = me.value ?? signedInAs;
  if (!held) return <SignInPage />;
  const page = PAGES.find((p) => p.path === path.value) ?? PAGES[0];
  const View = page?.view ?? OverviewPage;
  const signOut = async () => {
    await api('/session', { method: 'DELETE' }).catch(() => undefined);
    signedInAs = undefined;
    me.value = null;
  };
  return (
    <>
      {me.value === null && <SignInPage />}
      <div class="shell" key={principalOf(held)} hidden={me.value === null}>
        <header>
          <strong class="brand">AI Model Gateway</strong>
          <nav aria-label="Pages">
            {PAGES.map((p) => (
              <a key={p.path} href={`#/${p.path}`} aria-current={p.path === page?.path ? 'page' : undefined}>
                {p.title}
              </a>
            ))}
          </nav>
          <span class="zone" data-time-zone>
            Times in {timeZone()}
          </span>
          <span class="who">
            {held.name} · {held.role}
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </span>
        </header>
        <main>
          <h1>{page?.title}</h1>
          <RefreshTroubleBanner />
          <View />
        </main>
      </div>
    </>
  );
}

/** A refresh failed while the page still shows older data: say so in words, how old it is, and offer a retry. */
function RefreshTroubleBanner() {
  const trouble = refreshTrouble.value;
  if (!trouble) return null;
  return (
    <div class="state error" role="alert" data-refresh-trouble>
      <strong>Could not refresh: {trouble.message.replace(/\.$/, '')}.</strong> What this page shows is from{' '}
      {clock(trouble.dataFrom)}; it tries again every few seconds.{' '}
      <button type="button" onClick={() => window.dispatchEvent(new Event(RETRY_EVENT))}>
        Try again now
      </button>
    </div>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
