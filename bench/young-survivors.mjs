// What a full collection finds alive among the objects recent requests allocated, at one connection: the gateway
// (bench:memory's config, pinned like it) takes a heap snapshot, answers N more requests sent one at a time, and
// takes another while requests keep coming. The objects in the second snapshot that the first did not have are
// what those N requests allocated and still hold. Compare with what a scavenge copies (`--trace-gc-nvp`
// new_space_survived): a scavenge copying much more than this is copying garbage it cannot see is dead, such as
// values of an old-generation WeakMap (issue 14, docs/benchmark.md). Groups the objects by type and constructor,
// with the retaining edge that holds most of each group.
// Usage: node bench/young-survivors.mjs [requests between snapshots (150)] [warm-up requests (4000)]; KEEP=1 keeps
// the snapshots.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { body, pinnedSpawn, TOKEN, waitForLine } from './scenarios.mjs';

const root = new URL('..', import.meta.url).pathname;
const BETWEEN = Number(process.argv[2] ?? 150);
const WARM_UP = Number(process.argv[3] ?? 4000);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const CONFIG = (upstream) => `storage: sqlite:./gateway.db
providers:
  - { name: up, type: openai, base_url: ${upstream}/v1, api_key: sk-bench, allow_private_network: true, max_connections: 256 }
clients: [{ name: bench, token: ${TOKEN} }]
models:
  - { name: bench, targets: [{ provider: up, model: m1 }] }
`;

/** The nodes of a .heapsnapshot with their id, type, name, self size and first retainer (edge name, from node). */
function parse(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const meta = snap.snapshot.meta;
  const nf = meta.node_fields;
  const ef = meta.edge_fields;
  const [N, E] = [nf.length, ef.length];
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const { nodes, edges, strings } = snap;
  const at = (list, name) => list.indexOf(name);
  const [iType, iName, iId, iSize, iEdges] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((n) => at(nf, n));
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((n) => at(ef, n));
  const count = nodes.length / N;
  const out = new Array(count);
  let edge = 0;
  for (let i = 0; i < count; i++) {
    const b = i * N;
    out[i] = {
      id: nodes[b + iId],
      type: nodeTypes[nodes[b + iType]],
      name: strings[nodes[b + iName]],
      size: nodes[b + iSize],
      retainers: [],
    };
  }
  for (let i = 0; i < count; i++) {
    const n = nodes[i * N + iEdges];
    for (let k = 0; k < n; k++, edge += E) {
      const type = edgeTypes[edges[edge + eType]];
      if (type === 'weak') continue;
      const to = out[edges[edge + eTo] / N];
      const label = type === 'element' || type === 'hidden' ? `[${edges[edge + eName]}]` : strings[edges[edge + eName]];
      if (to.retainers.length < 4) to.retainers.push({ from: out[i], edge: label });
    }
  }
  return out;
}

async function main() {
  const upstream = pinnedSpawn(1, [join(root, 'bench/fake-upstream.mjs'), '0'], {});
  const direct = `http://127.0.0.1:${Number((await waitForLine(upstream, /^(\d+)\n/))[1])}`;
  const dir = mkdtempSync(join(tmpdir(), 'amg-survivors-'));
  writeFileSync(join(dir, 'gateway.yaml'), CONFIG(direct));
  const gateway = pinnedSpawn(
    0,
    [
      '--heapsnapshot-signal=SIGUSR2',
      `--diagnostic-dir=${dir}`,
      join(root, 'dist/cli/main.js'),
      'serve',
      '--config',
      join(dir, 'gateway.yaml'),
      '--listen',
      '127.0.0.1:0',
    ],
    { AMG_ADMIN_TOKEN: 'bench-admin-token-0123456789', AMG_LOG_LEVEL: 'warn' },
  );
  const url = new URL(`${(await waitForLine(gateway, /API\s+(http:\/\/[\d.]+:\d+)/))[1]}/v1/chat/completions`);
  const pool = new Pool(url.origin, { connections: 1, pipelining: 1 });
  const payload = body('bench', false);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
  const send = async (n) => {
    for (let i = 0; i < n; i++) {
      const response = await pool.request({ path: url.pathname, method: 'POST', body: payload, headers });
      await response.body.dump();
    }
  };
  const snapshot = async (count) => {
    gateway.kill('SIGUSR2');
    for (;;) {
      await sleep(500);
      const files = readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot'));
      if (files.length < count) continue;
      const file = join(dir, files.sort()[count - 1]);
      const size = readFileSync(file).length;
      await sleep(500);
      if (readFileSync(file).length === size && size > 0) return file;
    }
  };
  await send(WARM_UP);
  const first = await snapshot(1);
  await send(BETWEEN);
  // The second snapshot is taken while requests keep coming, as a scavenge meets them.
  let stop = false;
  const busy = (async () => {
    while (!stop) await send(1);
  })();
  const second = await snapshot(2);
  stop = true;
  await busy;
  await pool.close();
  gateway.kill('SIGTERM');
  upstream.kill('SIGTERM');
  const before = new Set(parse(first).map((n) => n.id));
  const fresh = parse(second).filter((n) => !before.has(n.id) && n.type !== 'synthetic');
  const groups = new Map();
  for (const n of fresh) {
    const r = n.retainers[0];
    const holder = r ? `${r.from.type}:${r.from.name.slice(0, 40)}.${String(r.edge).slice(0, 30)}` : '-';
    const key = `${n.type}:${n.name.slice(0, 50)}`;
    const g = groups.get(key) ?? { count: 0, bytes: 0, holders: new Map() };
    g.count++;
    g.bytes += n.size;
    g.holders.set(holder, (g.holders.get(holder) ?? 0) + n.size);
    groups.set(key, g);
  }
  // Native nodes (Node's C++ objects) get new ids in every snapshot, and code lives outside the young generation.
  const young = fresh.filter((n) => n.type !== 'native' && n.type !== 'code');
  const total = young.reduce((sum, n) => sum + n.size, 0);
  console.log(
    `${young.length} JavaScript objects, ${total} bytes new and alive after ${BETWEEN} requests (${Math.round(total / BETWEEN)} B/request; native and code nodes are listed, not counted)`,
  );
  for (const [key, g] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 40)) {
    const holders = [...g.holders]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 2)
      .map(([h, b]) => `${h} ${b}`);
    console.log(`${String(g.bytes).padStart(8)} ${String(g.count).padStart(6)}  ${key}  <- ${holders.join(' | ')}`);
  }
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
  else console.log(dir);
}

await main();
