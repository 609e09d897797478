// Sends requests one at a time over one keep-alive connection and reports latency by gateway route
// (direct / fallback / ...), so the cost of a fallback can be read off directly.
import { Pool } from 'undici';

const [url, token, body, count] = [process.argv[2], process.argv[3], process.argv[4], Number(process.argv[5] ?? 1000)];
const target = new URL(url);
const pool = new Pool(target.origin, { connections: 1 });
const byRoute = {};
let ok = 0;
let failed = 0;
for (let i = 0; i < count; i++) {
  const started = process.hrtime.bigint();
  const response = await pool.request({
    path: target.pathname,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  });
  await response.body.dump();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (response.statusCode === 200) ok++;
  else failed++;
  const route = response.headers['x-gateway-route'] ?? 'none';
  if (!byRoute[route]) byRoute[route] = [];
  byRoute[route].push(ms);
}
await pool.close();
const pct = (list, q) => list.sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(q * list.length))];
const routes = Object.fromEntries(
  Object.entries(byRoute).map(([route, list]) => [
    route,
    { count: list.length, p50: pct(list, 0.5), p99: pct(list, 0.99) },
  ]),
);
process.stdout.write(JSON.stringify({ ok, failed, routes }));
