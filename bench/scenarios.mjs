// What the benchmark scripts share: the client token, the request bodies, the dialects configuration, and
// starting a process pinned to a core.
import { spawn } from 'node:child_process';
import { hasTaskset } from './load.mjs';

export const TOKEN = 'bench-client-token-0123456789';

export const body = (model, stream) =>
  JSON.stringify({
    model,
    stream,
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Say something about foxes.' },
    ],
    temperature: 0.2,
  });

export const messagesBody = (model, stream) =>
  JSON.stringify({
    model,
    stream,
    max_tokens: 256,
    system: 'You are terse.',
    messages: [{ role: 'user', content: 'Say something about foxes.' }],
    temperature: 0.2,
  });

/** A Responses request; `store` says whether the gateway keeps the response (its cost is measured against off). */
export const responsesBody = (model, stream, store) =>
  JSON.stringify({
    model,
    stream,
    store,
    instructions: 'You are terse.',
    input: 'Say something about foxes.',
    temperature: 0.2,
  });

/** Two providers on one fake upstream: `via-openai` (Chat Completions) and `via-anthropic` (Messages). */
export const DIALECTS = (upstream) => `storage: sqlite:./gateway.db
providers:
  - { name: oa, type: openai, base_url: ${upstream}, api_key: sk-bench, allow_private_network: true, max_connections: 256 }
  - { name: an, type: anthropic, base_url: ${new URL(upstream).origin}, api_key: sk-ant-bench, allow_private_network: true, max_connections: 256 }
  - { name: gm, type: gemini, base_url: ${new URL(upstream).origin}/v1beta, api_key: gm-bench, allow_private_network: true, max_connections: 256 }
  - name: bd
    type: bedrock
    base_url: ${new URL(upstream).origin}
    allow_private_network: true
    max_connections: 256
    aws: { region: us-east-1, access_key_id: AKIABENCH, secret_access_key: bench-secret, session_token: bench-session }
clients: [{ name: bench, token: ${TOKEN} }]
models:
  - { name: via-openai, targets: [{ provider: oa, model: m1 }] }
  - { name: via-anthropic, targets: [{ provider: an, model: claude-bench }] }
  - { name: via-gemini, targets: [{ provider: gm, model: gemini-bench }] }
  - { name: via-bedrock, targets: [{ provider: bd, model: 'anthropic.claude-bench-v1:0' }] }
`;

export function pinnedSpawn(core, args, env) {
  const [cmd, argv] = hasTaskset
    ? ['taskset', ['-c', String(core), process.execPath, ...args]]
    : [process.execPath, args];
  return spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with the match once the child's stdout matches `pattern`. */
export function waitForLine(child, pattern) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk) => {
      seen += chunk;
      const match = pattern.exec(seen);
      if (match) {
        child.stdout.off('data', onData);
        resolve(match);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`process exited (${code}) before it was ready: ${seen}`)));
  });
}
