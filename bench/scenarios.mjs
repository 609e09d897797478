// What the benchmark scripts share: the client token, the request bodies, the dialects configuration, and
// starting a process pinned to a core.
import { spawn } from 'node:child_process';
import { hasTaskset, runPinned } from './load.mjs';

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

/** A gateway config with one provider `up` on the fake upstream, the bench client, and the given models. */
export const baseConfig =
  (models, routing = '') =>
  (upstream) =>
    `storage: sqlite:./gateway.db
providers:
  - { name: up, type: openai, base_url: ${upstream}, api_key: sk-bench, allow_private_network: true, max_connections: 256 }
clients: [{ name: bench, token: ${TOKEN} }]
${routing}
models:
${models}`;

/** One model, `bench`, with one target. */
export const SINGLE = baseConfig('  - { name: bench, targets: [{ provider: up, model: m1 }] }\n');

/**
 * The client with every kind of limit and budget, each far above what the bench reaches, so every request pays
 * for the full admission and settlement and none is refused; `extra` adds the Redis backend.
 */
export const LIMITED = (extra) => (upstream) =>
  `storage: sqlite:./gateway.db
providers:
  - { name: up, type: openai, base_url: ${upstream}, api_key: sk-bench, allow_private_network: true, max_connections: 256, pricing: { m1: { input: 2.5, output: 10 } } }
clients:
  - name: bench-${process.pid}-${Date.now()}
    token: ${TOKEN}
    models: ['bench*']
    rpm: 1000000000
    tpm: 1000000000
    max_concurrent: 100000
    model_limits: { 'bench': { rpm: 1000000000 } }
    budgets: { day: 1000000000, month: 1000000000 }
models:
  - { name: bench, targets: [{ provider: up, model: m1 }] }
${extra}`;

/**
 * The limits comparison (bench/run.mjs's limits phase, bench/instructions.mjs --limits): a client without limits,
 * the same client with every limit counted in this process, and counted in Redis (`REDIS_URL`).
 */
export const LIMITS_VARIANTS = (redis = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') => ({
  off: SINGLE,
  memory: LIMITED(''),
  redis: LIMITED(`redis: ${redis}\n`),
});

/**
 * Sends `count` Chat Completions requests with `payload` through `pool`, `connections` at a time, each answer read
 * whole. An answer other than 200 (or a dropped connection) throws, or with `countFailures` is counted (a loaded machine
 * makes the fake upstream refuse a few connections): returns how many. `onSend(n)` is called before the n-th request (from 1).
 */
export async function sendChat(pool, payload, count, connections, { onSend, countFailures = false } = {}) {
  let left = count;
  let sent = 0;
  let failed = 0;
  const worker = async () => {
    while (left-- > 0) {
      onSend?.(++sent);
      let status;
      try {
        const response = await pool.request({
          path: '/v1/chat/completions',
          method: 'POST',
          body: payload,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        });
        await response.body.text();
        status = response.statusCode;
      } catch (error) {
        // A connection a stalled gateway dropped is a failed request too, as a non-200 answer is.
        if (!countFailures) throw error;
      }
      if (status === 200) continue;
      if (!countFailures) throw new Error(`status ${status}`);
      failed++;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return failed;
}

export function pinnedSpawn(core, args, env) {
  const [cmd, argv] = hasTaskset
    ? ['taskset', ['-c', String(core), process.execPath, ...args]]
    : [process.execPath, args];
  return spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Resolves with the match once the child's stdout or stderr matches `pattern` (each stream matched on its own).
 * Both, because `amg serve` writes its banner to stdout only at a terminal: piped, it goes to the stream the JSON
 * log lines do not use (stderr by default).
 */
export function waitForLine(child, pattern) {
  return new Promise((resolve, reject) => {
    const streams = [child.stdout, child.stderr].filter(Boolean);
    const seen = new Map(streams.map((stream) => [stream, '']));
    const listeners = streams.map((stream) => {
      const onData = (chunk) => {
        seen.set(stream, seen.get(stream) + chunk);
        const match = pattern.exec(seen.get(stream));
        if (!match) return;
        streams.forEach((s, i) => {
          s.off('data', listeners[i]);
        });
        resolve(match);
      };
      stream.on('data', onData);
      return onData;
    });
    child.once('exit', (code) =>
      reject(new Error(`process exited (${code}) before it was ready: ${[...seen.values()].join('\n')}`)),
    );
  });
}

/**
 * bench/one-connection.mjs pinned to core 1: `pairs` non-stream requests to the gateway and straight to the
 * upstream, alternating, after `warmUp` unrecorded pairs; resolves with its JSON output.
 */
export async function oneConnection(gatewayUrl, directUrl, pairs, warmUp) {
  const root = new URL('..', import.meta.url).pathname;
  const output = await runPinned(1, process.execPath, [
    `${root}bench/one-connection.mjs`,
    `${gatewayUrl}/v1/chat/completions`,
    `${directUrl}/v1/chat/completions`,
    TOKEN,
    body('bench', false),
    String(pairs),
    String(warmUp),
  ]);
  return JSON.parse(output);
}
