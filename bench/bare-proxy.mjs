// The floor of the stack the gateway is built on: node:http in, undici's Pool out, bytes relayed, nothing else
// (no auth, routing, telemetry, timeouts or header rules). Measured in the same run as the gateway, it shows
// how much of the gateway's cost is Node's HTTP server and client rather than the gateway's own work.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const [upstream, port = '0'] = process.argv.slice(2);
const pool = new Pool(upstream, { connections: 256 });

createServer((req, res) => {
  const parts = [];
  req.on('data', (part) => parts.push(part));
  req.on('end', async () => {
    try {
      const reply = await pool.request({
        path: req.url,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
        body: Buffer.concat(parts),
      });
      res.writeHead(reply.statusCode, { 'content-type': reply.headers['content-type'] });
      for await (const chunk of reply.body) res.write(chunk);
      res.end();
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  });
}).listen(Number(port), '127.0.0.1', function ready() {
  process.stdout.write(`listening http://127.0.0.1:${this.address().port}\n`);
});
