// A local OTLP/HTTP receiver for the tracing phase: accepts POST /v1/traces, reads and drops the body, and
// answers 200 as a collector does. It prints its port, then its totals on SIGTERM.
import { createServer } from 'node:http';

let requests = 0;
let bytes = 0;
const server = createServer((req, res) => {
  req.on('data', (chunk) => {
    bytes += chunk.length;
  });
  req.on('end', () => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  process.stderr.write(`otlp sink: ${requests} exports, ${bytes} bytes\n`);
  process.exit(0);
});
