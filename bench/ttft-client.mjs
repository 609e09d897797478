// Time to first token: sends streaming requests one at a time over one keep-alive connection and reports the
// p50 / p99 time from sending the request to receiving the first content token ("token0", which both fake
// dialects stream first), as JSON.
import { Pool } from 'undici';

const [url, token, body, count] = [process.argv[2], process.argv[3], process.argv[4], Number(process.argv[5] ?? 500)];
const target = new URL(url);
const pool = new Pool(target.origin, { connections: 1 });
const samples = [];
let failed = 0;
for (let i = 0; i < count; i++) {
  const started = process.hrtime.bigint();
  const response = await pool.request({
    path: target.pathname,
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'anthropic-version': '2023-06-01',
    },
  });
  let first;
  let seen = '';
  for await (const chunk of response.body) {
    if (first === undefined) {
      seen += chunk.toString('latin1');
      if (seen.includes('token0')) first = Number(process.hrtime.bigint() - started) / 1e6;
    }
  }
  if (response.statusCode !== 200 || first === undefined) failed++;
  else samples.push(first);
}
await pool.close();
samples.sort((a, b) => a - b);
const pct = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? null;
process.stdout.write(JSON.stringify({ count, failed, p50: pct(0.5), p99: pct(0.99) }));
