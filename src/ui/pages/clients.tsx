import { useSignal } from '@preact/signals';
import { api, canWrite } from '../api.js';
import { Empty, ErrorBox, Field, Loading } from '../components.js';
import { time } from '../format.js';
import { usePoll } from '../use-poll.js';

interface Key {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  status: string;
}
interface Context {
  dataUrl: string;
  models: string[];
}

async function loadContext(): Promise<Context> {
  const [diagnostics, status] = await Promise.all([
    api<{ listeners: { data: string } }>('/diagnostics'),
    api<{ models: Array<{ name: string }> }>('/status'),
  ]);
  return { dataUrl: diagnostics.listeners.data, models: status.models.map((m) => m.name) };
}

/** Setup snippets for the token just created, with this gateway's URL and a model it serves. */
function snippets(token: string, context: Context): Array<[string, string]> {
  const url = context.dataUrl;
  const model = context.models[0] ?? 'MODEL';
  return [
    [
      'OpenAI SDK (TypeScript)',
      `import OpenAI from 'openai';\nconst client = new OpenAI({ apiKey: '${token}', baseURL: '${url}/v1' });\nconst reply = await client.chat.completions.create({\n  model: '${model}',\n  messages: [{ role: 'user', content: 'Hi' }],\n});`,
    ],
    [
      'Anthropic SDK (TypeScript)',
      `import Anthropic from '@anthropic-ai/sdk';\nconst client = new Anthropic({ apiKey: '${token}', baseURL: '${url}' });\nconst message = await client.messages.create({\n  model: '${model}',\n  max_tokens: 1024,\n  messages: [{ role: 'user', content: 'Hi' }],\n});`,
    ],
    [
      'curl',
      `curl ${url}/v1/chat/completions -H "Authorization: Bearer ${token}" \\\n  -H 'content-type: application/json' \\\n  -d '{"model":"${model}","messages":[{"role":"user","content":"Hi"}]}'`,
    ],
    [
      'Claude Code',
      `export ANTHROPIC_BASE_URL=${url}\nexport ANTHROPIC_AUTH_TOKEN=${token}\nexport ANTHROPIC_MODEL=${model}\nclaude`,
    ],
    [
      'Codex',
      `# ~/.codex/config.toml\nmodel = "${model}"\nmodel_provider = "gateway"\n\n[model_providers.gateway]\nname = "AI Model Gateway"\nbase_url = "${url}/v1"\nenv_key = "GATEWAY_TOKEN"\nwire_api = "responses"\n\n# then: export GATEWAY_TOKEN=${token}`,
    ],
  ];
}

export function ClientsPage() {
  const { data, error, loading, refresh } = usePoll(() => api<{ data: Key[] }>('/keys'), 10_000, []);
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
      {data && data.data.length > 0 && (
        <table>
          <thead>
            <tr>
              {['Name', 'Prefix', 'Status', 'Created', 'Expires', ''].map((h) => (
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
                <td>{time(key.createdAt)}</td>
                <td>{key.expiresAt ? time(key.expiresAt) : 'never'}</td>
                <td>
                  {canWrite() && key.status === 'active' && (
                    <button type="button" onClick={() => revoke(key)} aria-label={`revoke ${key.name}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
