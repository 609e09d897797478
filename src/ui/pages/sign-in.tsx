import { useSignal } from '@preact/signals';
import { type ApiError, api, me, meOf, signedOutReason } from '../api.js';
import { Field } from '../components.js';

/** Sign in with a user name and password, or with a named admin token (what `npm start` printed). */
export function SignInPage() {
  const mode = useSignal<'password' | 'token'>('password');
  const username = useSignal('');
  const password = useSignal('');
  const token = useSignal('');
  const error = useSignal('');
  const busy = useSignal(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    busy.value = true;
    error.value = '';
    try {
      const body =
        mode.value === 'token' ? { token: token.value } : { username: username.value, password: password.value };
      await api('/session', { method: 'POST', body });
      const who = await api<Parameters<typeof meOf>[0]>('/session');
      signedOutReason.value = '';
      me.value = meOf(who);
    } catch (failure) {
      const e = failure as ApiError;
      error.value =
        e.status === 429
          ? 'Too many failed sign-ins from here or for this user. Wait a few minutes and try again.'
          : e.message;
    } finally {
      busy.value = false;
    }
  };

  return (
    <main class="sign-in">
      <h1>Sign in to AI Model Gateway</h1>
      {signedOutReason.value && (
        <p class="state error" role="alert" data-signed-out>
          {signedOutReason.value}
        </p>
      )}
      <div role="tablist" aria-label="Sign-in method">
        <button
          type="button"
          role="tab"
          aria-selected={mode.value === 'password'}
          onClick={() => (mode.value = 'password')}
        >
          User name and password
        </button>
        <button type="button" role="tab" aria-selected={mode.value === 'token'} onClick={() => (mode.value = 'token')}>
          Admin token
        </button>
      </div>
      <form onSubmit={submit}>
        {mode.value === 'password' ? (
          <>
            <Field label="User name">
              <input
                name="username"
                autocomplete="username"
                required
                value={username.value}
                onInput={(e) => (username.value = e.currentTarget.value)}
              />
            </Field>
            <Field label="Password">
              <input
                name="password"
                type="password"
                autocomplete="current-password"
                required
                value={password.value}
                onInput={(e) => (password.value = e.currentTarget.value)}
              />
            </Field>
          </>
        ) : (
          <Field label="Admin token">
            <input
              name="token"
              type="password"
              autocomplete="off"
              required
              value={token.value}
              onInput={(e) => (token.value = e.currentTarget.value)}
            />
          </Field>
        )}
        {error.value && (
          <p class="state error" role="alert">
            {error.value}
          </p>
        )}
        <button type="submit" disabled={busy.value}>
          Sign in
        </button>
      </form>
      <p class="hint">
        No account? The first start printed an admin token; users are created with{' '}
        <code>amg admin-users create --name NAME --role viewer</code>.
      </p>
    </main>
  );
}
