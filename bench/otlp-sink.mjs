// A local OTLP/HTTP receiver for the tracing phase: accepts POST /v1/traces, reads and drops the body, and
// answers 200 as a collector does. It prints its port, then its totals on SIGTERM.
import { createServer } from 'node:http';

let requests = 0;
let bytes = 0;
let connections = 0;
const server = createServer((req, res) => {
  req.on('data', (chunk) => {
    bytes += chunk.length;
  });
  req.on('end', () => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.on('connection', () => {
  connections++;
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  process.stderr.write(`otlp sink: ${requests} exports, ${bytes} bytes, ${connections} connections\n`);
  process.exit(0);
});
// SIGUSR2: the totals so far on stdout (bench/syscall-probe.mjs reads them before and after a window).
process.on('SIGUSR2', () => {
  process.stdout.write(`otlp sink: ${requests} exports, ${bytes} bytes, ${connections} connections\n`);
});
