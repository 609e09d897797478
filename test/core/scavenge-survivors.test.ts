import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli-process.js';

const TOKEN = 'amg_test_client_token_0123456789';
const COMPLETION = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'm1',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
});

/**
 * One `--trace-gc-nvp` scavenge line of the main isolate: bytes allocated since the last one and copied by it.
 * V8 13 (Node 24) writes the line as "[pid:isolate:n]" and names the heap size `start_object_size`; earlier V8
 * (Node 20, 22) writes "[pid:isolate]" and `total_size_before`.
 */
interface Scavenge {
  isolate: string;
  allocated: number;
  survived: number;
  heap: number;
}

function scavenges(log: string): Scavenge[] {
  const out: Scavenge[] = [];
  for (const line of log.split('\n')) {
    const isolate = /^\[\d+:(0x[0-9a-f]+)(?::\d+)?\]/.exec(line)?.[1];
    if (!isolate || !line.includes(' gc=s ')) continue;
    const field = (name: string) => Number(new RegExp(` ${name}=(\\d+)`).exec(line)?.[1] ?? Number.NaN);
    out.push({
      isolate,
      allocated: field('allocated'),
      survived: field('new_space_survived'),
      heap: line.includes(' total_size_before=') ? field('total_size_before') : field('start_object_size'),
    });
  }
  return out;
}

/**
 * What a scavenge copies at one connection: each request's objects are garbage once it ends, so what survives
 * is the request in flight and little else. The data plane's per-request entries once lived in a WeakMap, whose
 * value slots V8's scavenger treats as roots while the table is in the old generation: every finished request's
 * exchange then survived the next scavenge, ~5% of all that was allocated (issue 14, docs/benchmark.md).
 */
describe('scavenges at one connection', () => {
  let upstream: Server;
  let dir: string;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(COMPLETION));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    dir = await mkdtemp(join(tmpdir(), 'amg-scavenge-'));
    const port = (upstream.address() as AddressInfo).port;
    await writeFile(
      join(dir, 'gateway.yaml'),
      `storage: sqlite:${join(dir, 'gateway.db')}
providers:
  - { name: up, type: openai, base_url: http://127.0.0.1:${port}/v1, api_key: sk-test, allow_private_network: true }
clients: [{ name: test-client, token: ${TOKEN} }]
models:
  - { name: m, targets: [{ provider: up, model: m1 }] }
`,
    );
  });

  afterAll(async () => {
    await new Promise((resolve) => upstream.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('copies little more than the request in flight: finished requests do not survive', async () => {
    const gateway = spawn(
      process.execPath,
      ['--trace-gc-nvp', CLI, 'serve', '--config', join(dir, 'gateway.yaml'), '--listen', '127.0.0.1:0'],
      { env: { ...process.env, AMG_ADMIN_TOKEN: 'amg_admin_test_token_0123456789abcdef', AMG_LOG_LEVEL: 'warn' } },
    );
    let log = '';
    // The banner (read for the URL) is on stderr when stdout is a pipe.
    for (const stream of [gateway.stdout, gateway.stderr]) {
      stream.on('data', (chunk: Buffer) => {
        log += chunk;
      });
    }
    const exited = new Promise((resolve) => gateway.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const poll = setInterval(() => {
          const match = /API\s+(http:\/\/[\d.]+:\d+)/.exec(log);
          if (match) {
            clearInterval(poll);
            resolve(match[1] as string);
          }
        }, 50);
        gateway.once('exit', () => reject(new Error(`gateway exited: ${log}`)));
      });
      const pool = new Pool(url, { connections: 1 });
      const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
      const requests = 4000;
      const startedAt = log.length;
      for (let i = 0; i < requests; i++) {
        const response = await pool.request({ path: '/v1/chat/completions', method: 'POST', body, headers });
        await response.body.dump();
        expect(response.statusCode).toBe(200);
      }
      await pool.close();
      const all = scavenges(log.slice(startedAt));
      // The main isolate is the one with the larger heap (the SQLite writer thread has its own, ~half the size).
      const main = [...all].sort((a, b) => b.heap - a.heap)[0]?.isolate;
      // Scavenges of a young generation grown past its start size, after the first half (V8's tiers warm).
      const measured = all.filter((s) => s.isolate === main && s.allocated >= 2 * 1024 * 1024);
      const late = measured.slice(Math.floor(measured.length / 2));
      expect(late.length).toBeGreaterThanOrEqual(5);
      const ratios = late.map((s) => s.survived / s.allocated).sort((a, b) => a - b);
      const median = ratios[Math.floor(ratios.length / 2)] as number;
      // Medians of this test on the development machine: 2.9-3.4% with the entries deleted (the request in
      // flight, the records waiting for their batch, the JIT's feedback), 3.4% inside the full suite under CI
      // load; 6.0-6.5% when every finished request's exchange was kept by the table.
      expect(median).toBeLessThan(0.045);
    } finally {
      gateway.kill('SIGTERM');
      await exited;
    }
  }, 120_000);
});
