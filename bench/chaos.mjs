// npm run chaos [-- --minutes N] (default 10; `--minutes 1` for a quick check): mixed traffic through a real
// gateway process against fake upstreams (OpenAI-compatible, and Gemini falling back to Bedrock, each answering in
// its own wire format and error shapes) that reset connections, hang, answer 5xx (and 5xx storms), throttle with
// 429 and cut streams; clients of all three dialects, some that hang up; guarded config publishes (one harmless, one broken) and an unguarded one that
// swaps connection pools under retries; and a SIGTERM with streams in flight at the end. Then it reads the
// gateway's store and reports requests sent, records written, records lost (must be 0), guard decisions and RSS
// over time, to stdout and bench/results/chaos.{json,md} (chaos-quick.* for runs under 10 minutes). Exits 1 when a record is lost.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startChaosUpstream } from './chaos-upstream.mjs';

const root = new URL('..', import.meta.url).pathname;
const minutesArg = process.argv.indexOf('--minutes');
const MINUTES = minutesArg > 0 ? Number(process.argv[minutesArg + 1]) : 10;
if (!(MINUTES > 0)) throw new Error('--minutes takes a positive number');
const DURATION_MS = MINUTES * 60_000;
const WORKERS = 12;
const IN_FLIGHT_AT_SIGTERM = 8;
const TOKEN = 'chaos-client-token-0123456789';
const ADMIN = 'chaos-admin-token-0123456789abcdef';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const agent = new Agent({ keepAlive: true, maxSockets: WORKERS * 2 });

async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function configText({
  a,
  b,
  dead,
  aOrigin,
  bOrigin,
  chatTargets = ['a', 'b'],
  cloudTargets = ['gem', 'aws'],
  connections = 64,
}) {
  const provider = (name, url, type = 'openai') =>
    `  - { name: ${name}, type: ${type}, base_url: ${url}, api_key: sk-chaos, allow_private_network: true, max_connections: ${connections} }`;
  const targets = (names) => names.map((name) => `{ provider: ${name}, model: m }`).join(', ');
  // Gemini on upstream a falls back to Bedrock on upstream b (and back): translated routes for every dialect.
  const cloud = (model) => `[${cloudTargets.map((name) => `{ provider: ${name}, model: ${model} }`).join(', ')}]`;
  return `storage: sqlite:./gateway.db
server: { shutdown_grace_ms: 3000 }
clients: [{ name: chaos, token: ${TOKEN} }]
routing:
  timeout: { connect_ms: 1000, first_byte_ms: 2000, idle_stream_ms: 2000 }
  retries: { max_attempts: 2, backoff_ms: 50, max_backoff_ms: 200 }
  cooldown: { failures: 5, window_s: 10, cooldown_s: 5 }
providers:
${provider('a', a)}
${provider('b', b)}
${provider('dead', dead)}
${provider('gem', `${aOrigin}/v1beta`, 'gemini')}
${provider('aws', bOrigin, 'bedrock')}
models:
  - { name: chat, targets: [${targets(chatTargets)}] }
  - { name: solo, targets: [${targets(['a'])}] }
  - { name: slow, targets: [{ provider: b, model: slow }] }
  - { name: cloud, targets: ${cloud('gemini-2.5-flash')} }
  - { name: slow-gemini, targets: [{ provider: gem, model: slow }] }
  - { name: slow-bedrock, targets: [{ provider: aws, model: slow }] }
`;
}

// ---- the gateway process ----

function startGateway(dir, configPath) {
  const child = spawn(
    process.execPath,
    [join(root, 'dist/cli/main.js'), 'serve', '--config', configPath, '--listen', '127.0.0.1:0'],
    {
      cwd: dir,
      env: { ...process.env, AMG_ADMIN_TOKEN: ADMIN, AMG_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log = [];
  return new Promise((resolve, reject) => {
    let seen = '';
    // The banner is on stderr when piped (stdout at a terminal); the JSON log lines on stdout.
    const onData = (chunk) => {
      seen += chunk;
      log.push(chunk.toString());
      const match = /API\s+(http:\/\/[\d.]+:\d+)/.exec(seen);
      if (match) resolve({ child, url: match[1], log });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`gateway exited (${code}) before it was ready: ${seen}`)));
  });
}

function rssMb(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

async function admin(url, method, path, body) {
  const response = await fetch(`${url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: await response.json().catch(() => ({})) };
}

// ---- the clients ----

const stats = {
  sent: 0,
  outcomes: {},
  streams: { complete: 0, errorEvent: 0, brokenWithoutEvent: 0 },
  brokenTails: [],
};
const note = (what) => {
  stats.outcomes[what] = (stats.outcomes[what] ?? 0) + 1;
};

/**
 * One request over raw HTTP. `hangUp`: 'first-chunk' drops the connection after the first bytes of the answer,
 * a number drops it that many ms after sending. Counts the request as sent once its body is written.
 */
function send(url, { path, body, raw, stream, anthropic, responses, hangUp }) {
  return new Promise((resolve) => {
    const text = raw ?? JSON.stringify(body);
    const headers = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...(anthropic ? { 'x-api-key': TOKEN, 'anthropic-version': '2023-06-01' } : { authorization: `Bearer ${TOKEN}` }),
    };
    const req = request(`${url}${path}`, { method: 'POST', headers, agent });
    let done = false;
    const finish = (what) => {
      if (done) return;
      done = true;
      note(what);
      resolve(what);
    };
    req.on('finish', () => {
      stats.sent++;
      if (typeof hangUp === 'number')
        setTimeout(() => {
          req.destroy();
          finish('client hung up (waiting)');
        }, hangUp);
    });
    req.on('error', (error) => finish(done ? 'x' : `client error ${error.code ?? error.message}`));
    req.on('response', (res) => {
      let tail = '';
      // A Responses stream's last event carries the whole response, longer than the tail kept: its type is
      // looked for as the events pass.
      let seen = '';
      res.on('data', (chunk) => {
        const window = tail + chunk.toString();
        if (responses && !seen) seen = /response\.(completed|failed|incomplete)|event: error/.exec(window)?.[0] ?? '';
        tail = window.slice(-400);
        if (hangUp === 'first-chunk') {
          req.destroy();
          finish('client hung up (mid-stream)');
        }
      });
      res.on('error', () => finish(`${res.statusCode} broken`));
      res.on('end', () => {
        // A client that already hung up judged nothing about how the stream ended.
        if (stream && res.statusCode === 200 && !done) {
          const complete = anthropic
            ? tail.includes('message_stop')
            : responses
              ? seen === 'response.completed'
              : tail.includes('[DONE]');
          const errorEvent = responses
            ? seen === 'event: error' || seen === 'response.failed'
            : anthropic
              ? tail.includes('event: error')
              : tail.includes('"error"');
          if (complete && !errorEvent) stats.streams.complete++;
          else if (errorEvent) stats.streams.errorEvent++;
          else {
            stats.streams.brokenWithoutEvent++;
            // The ends of the first few such streams, for finding out why.
            if (stats.brokenTails.length < 5) stats.brokenTails.push(tail);
          }
        }
        finish(String(res.statusCode));
      });
    });
    req.end(text);
  });
}

const chat = (model, stream) => ({
  model,
  messages: [{ role: 'user', content: 'chaos' }],
  stream,
  ...(stream ? { stream_options: { include_usage: true } } : {}),
});
const messages = (model, stream) => ({ model, max_tokens: 64, messages: [{ role: 'user', content: 'chaos' }], stream });
const responsesBody = (model, stream) => ({ model, input: 'chaos', stream });

/** The traffic mix: [weight, request]. */
const MIX = [
  [30, () => ({ path: '/v1/chat/completions', body: chat('chat', false) })],
  [20, () => ({ path: '/v1/chat/completions', body: chat('chat', true), stream: true })],
  [10, () => ({ path: '/v1/chat/completions', body: chat('solo', Math.random() < 0.5) })],
  [10, () => ({ path: '/v1/messages', body: messages('chat', true), stream: true, anthropic: true })],
  [5, () => ({ path: '/v1/messages', body: messages('chat', false), anthropic: true })],
  [10, () => ({ path: '/v1/chat/completions', body: chat('chat', true), stream: true, hangUp: 'first-chunk' })],
  [5, () => ({ path: '/v1/chat/completions', body: chat('slow', true), stream: true, hangUp: 300 })],
  [5, () => ({ path: '/v1/chat/completions', raw: '{"model": "chat", "messages": [' })],
  [5, () => ({ path: '/v1/chat/completions', body: chat('no-such-model', false) })],
  // Translated routes: Gemini (SSE) falling back to Bedrock (event stream), in every client dialect.
  [8, () => ({ path: '/v1/chat/completions', body: chat('cloud', true), stream: true })],
  [4, () => ({ path: '/v1/chat/completions', body: chat('cloud', false) })],
  [8, () => ({ path: '/v1/messages', body: messages('cloud', true), stream: true, anthropic: true })],
  [6, () => ({ path: '/v1/responses', body: responsesBody('cloud', true), stream: true, responses: true })],
  [3, () => ({ path: '/v1/responses', body: responsesBody('cloud', false) })],
  [
    4,
    () => ({
      path: '/v1/messages',
      body: messages('cloud', true),
      stream: true,
      anthropic: true,
      hangUp: 'first-chunk',
    }),
  ],
  [3, () => ({ path: '/v1/chat/completions', body: chat('slow-bedrock', true), stream: true, hangUp: 300 })],
];
const TOTAL_WEIGHT = MIX.reduce((sum, [weight]) => sum + weight, 0);
function pick() {
  let roll = Math.random() * TOTAL_WEIGHT;
  for (const [weight, make] of MIX) {
    if (roll < weight) return make();
    roll -= weight;
  }
  return MIX[0][1]();
}

// ---- the run ----

async function main() {
  const a = await startChaosUpstream('a');
  const b = await startChaosUpstream('b');
  const dead = `http://127.0.0.1:${await closedPort()}/v1`;
  const dir = mkdtempSync(join(tmpdir(), 'amg-chaos-'));
  const configPath = join(dir, 'gateway.yaml');
  const urls = { a: a.url, b: b.url, dead, aOrigin: a.origin, bOrigin: b.origin };
  writeFileSync(configPath, configText(urls));
  const started = Date.now();
  const { child, url, log } = await startGateway(dir, configPath);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const rss = [{ s: 0, mb: rssMb(child.pid) }];
  const idleRss = rss[0].mb;
  const sampler = setInterval(
    () => rss.push({ s: Math.round((Date.now() - started) / 1000), mb: rssMb(child.pid) }),
    5_000,
  );
  const events = [];
  const event = (what) => {
    const line = `${((Date.now() - started) / 1000).toFixed(1)}s ${what}`;
    events.push(line);
    console.log(line);
  };
  event(`gateway pid ${child.pid} at ${url}, idle RSS ${idleRss} MB; ${MINUTES} min of traffic`);

  let running = true;
  const workers = Array.from({ length: WORKERS }, async () => {
    while (running) {
      await send(url, pick());
      await sleep(5);
    }
  });

  const guardWindow = `${Math.max(15, Math.min(60, Math.round((DURATION_MS / 1000) * 0.15)))}s`;
  const at = (fraction) => sleep(Math.max(0, started + DURATION_MS * fraction - Date.now()));
  const publish = async (label, text, guard) => {
    const result = await admin(url, 'POST', '/config/publish', {
      content: text,
      message: `chaos: ${label}`,
      ...(guard ? { guard: { window: guard, min_requests: 20, margin: 0.1 } } : {}),
    });
    event(
      `publish "${label}"${guard ? ` (guard ${guard})` : ''}: HTTP ${result.status} revision ${result.body.revision?.number ?? '-'}`,
    );
    return result.body.revision?.number ?? result.body.revision;
  };
  const storm = async (seconds) => {
    event(`5xx storm on upstream a for ${seconds}s`);
    a.setStorm(true);
    await sleep(seconds * 1000);
    a.setStorm(false);
  };
  const stormSeconds = Math.max(5, Math.min(15, Math.round(DURATION_MS / 1000 / 20)));

  await at(0.15);
  await storm(stormSeconds);
  await at(0.25);
  const swapped = { ...urls, chatTargets: ['b', 'a'], cloudTargets: ['aws', 'gem'] };
  // The guard then watches the cloud model too, while Gemini and Bedrock throttle (429) and clients hang up.
  const harmless = await publish('swap chat and cloud target order', configText(swapped), guardWindow);
  await at(0.6);
  const broken = await publish(
    'point chat at a dead upstream',
    configText({ ...swapped, chatTargets: ['dead'] }),
    guardWindow,
  );
  await at(0.72);
  // In a short run the broken publish's guard may still be watching here (a publish then is refused with 409):
  // its verdict is waited for, as an operator would, for at most its window.
  const waitUntil = Date.now() + Number.parseInt(guardWindow, 10) * 1000;
  while (Date.now() < waitUntil) {
    const listed = (await admin(url, 'GET', '/config/revisions?limit=50')).body.data ?? [];
    if (listed.find((r) => r.number === broken)?.guard?.state !== 'watching') break;
    await sleep(500);
  }
  await publish('resize pools under retries (no guard)', configText({ ...swapped, connections: 32 }));
  await at(0.8);
  await storm(stormSeconds);
  await at(1);

  // The end: stop new traffic, start long streams, and send SIGTERM while they run past the grace period.
  running = false;
  await Promise.all(workers);
  const revisions = (await admin(url, 'GET', '/config/revisions?limit=50')).body.data ?? [];
  // Same-dialect and translated streams: OpenAI, Gemini's SSE and Bedrock's event stream upstream.
  const FINAL = [
    { path: '/v1/chat/completions', body: chat('slow', true), stream: true },
    { path: '/v1/messages', body: messages('slow', true), stream: true, anthropic: true },
    { path: '/v1/chat/completions', body: chat('slow-gemini', true), stream: true },
    { path: '/v1/messages', body: messages('slow-bedrock', true), stream: true, anthropic: true },
    { path: '/v1/responses', body: responsesBody('slow-gemini', true), stream: true, responses: true },
    { path: '/v1/chat/completions', body: chat('slow-bedrock', true), stream: true },
    { path: '/v1/messages', body: messages('slow-gemini', true), stream: true, anthropic: true },
    { path: '/v1/responses', body: responsesBody('slow-bedrock', true), stream: true, responses: true },
  ];
  const finalStreams = Array.from({ length: IN_FLIGHT_AT_SIGTERM }, (_, i) => send(url, FINAL[i % FINAL.length]));
  await sleep(1_000);
  const streamsBefore = { ...stats.streams };
  event(`SIGTERM with ${IN_FLIGHT_AT_SIGTERM} streams in flight (grace 3 s, streams last 10 s)`);
  const sigtermAt = Date.now();
  child.kill('SIGTERM');
  await Promise.all(finalStreams);
  const exit = await exited;
  clearInterval(sampler);
  event(`gateway exited (${exit.code ?? exit.signal}) ${((Date.now() - sigtermAt) / 1000).toFixed(1)}s after SIGTERM`);
  const atSigterm = {
    errorEvent: stats.streams.errorEvent - streamsBefore.errorEvent,
    complete: stats.streams.complete - streamsBefore.complete,
    brokenWithoutEvent: stats.streams.brokenWithoutEvent - streamsBefore.brokenWithoutEvent,
  };

  // Records, read back from the store the gateway wrote.
  const db = new Database(join(dir, 'gateway.db'), { readonly: true });
  const written = db.prepare('select count(*) as n from requests').get().n;
  const byStatus = db.prepare('select status, count(*) as n from requests group by status order by status').all();
  const byCode = db
    .prepare(
      'select error_code as code, count(*) as n from requests where error_code is not null group by error_code order by n desc',
    )
    .all();
  db.close();
  const guardOf = (number) => revisions.find((r) => r.number === number)?.guard ?? null;
  const guard = [
    {
      publish: 'harmless (swap chat and cloud target order)',
      expected: 'passed',
      revision: harmless,
      ...pick2(guardOf(harmless)),
    },
    { publish: 'broken (dead upstream)', expected: 'rolled_back', revision: broken, ...pick2(guardOf(broken)) },
  ];
  const errorLines = log
    .join('')
    .split('\n')
    .filter((line) => line.includes('"level":"error"'));

  const report = {
    minutes: MINUTES,
    date: new Date().toISOString(),
    node: process.version,
    requests_sent: stats.sent,
    records_written: written,
    records_lost: Math.max(0, stats.sent - written),
    client_outcomes: stats.outcomes,
    streams: stats.streams,
    streams_at_sigterm: atSigterm,
    streams_without_end_or_error_tails: stats.brokenTails,
    records_by_status: Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
    records_by_error_code: Object.fromEntries(byCode.map((r) => [r.code, r.n])),
    upstream_faults: { a: a.counts, b: b.counts },
    guard,
    gateway_exit: exit,
    gateway_error_log_lines: errorLines.length,
    rss_mb: { idle: idleRss, max: Math.max(...rss.map((r) => r.mb ?? 0)), samples: rss },
    events,
  };
  await a.close();
  await b.close();
  agent.destroy();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  // A quick check does not overwrite the report of a full run.
  const name = MINUTES >= 10 ? 'chaos' : 'chaos-quick';
  writeFileSync(join(root, `bench/results/${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  const markdown = render(report);
  writeFileSync(join(root, `bench/results/${name}.md`), markdown);
  console.log(`\n${markdown}`);
  if (report.records_lost > 0 || written < stats.sent) process.exitCode = 1;
}

function pick2(guard) {
  return { state: guard?.state ?? null, detail: guard?.detail ?? null };
}

function render(r) {
  const minute = () => r.rss_mb.samples.filter((x) => x.s % 60 < 5 || x === r.rss_mb.samples.at(-1));
  const rows = (object) =>
    Object.entries(object)
      .map(([key, value]) => `${key} ${value}`)
      .join(', ');
  return [
    `# Chaos run: ${r.minutes} min (${r.date}, Node ${r.node})`,
    '',
    `- requests sent: **${r.requests_sent}**; records written (read back from the store): **${r.records_written}**; records lost: **${r.records_lost}**`,
    `- client outcomes: ${rows(r.client_outcomes)}`,
    `- streams that ran to their end: ${r.streams.complete}; ended with an error event: ${r.streams.errorEvent}; ended without one: ${r.streams.brokenWithoutEvent}`,
    `- at SIGTERM: ${IN_FLIGHT_AT_SIGTERM} streams in flight → ${r.streams_at_sigterm.errorEvent} ended with an error event, ${r.streams_at_sigterm.complete} complete, ${r.streams_at_sigterm.brokenWithoutEvent} cut without one; gateway exit ${r.gateway_exit.code ?? r.gateway_exit.signal}`,
    `- records by status: ${rows(r.records_by_status)}`,
    `- records by error code: ${rows(r.records_by_error_code)}`,
    `- upstream faults injected: a: ${rows(r.upstream_faults.a)}; b: ${rows(r.upstream_faults.b)}`,
    ...r.guard.map(
      (g) =>
        `- guard, ${g.publish}: revision ${g.revision} → **${g.state}** (expected ${g.expected}): ${g.detail ?? ''}`,
    ),
    `- gateway error log lines: ${r.gateway_error_log_lines}`,
    `- RSS: idle ${r.rss_mb.idle} MB, max ${r.rss_mb.max} MB; per minute: ${minute()
      .map((x) => `${x.s}s ${x.mb}`)
      .join(', ')}`,
    '',
    '## Events',
    ...r.events.map((line) => `- ${line}`),
    '',
  ].join('\n');
}

await main();
