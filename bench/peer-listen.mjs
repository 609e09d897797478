// Preloaded into a peer gateway (node --import) so the bench can run it like its own servers: on a port the
// kernel picks and on loopback only. Portkey's server takes `--port=0` but then announces
// "http://localhost:0" and listens on every interface; this prints the real address once it listens, in the
// line format bench/run.mjs waits for, and keeps an open proxy off the machine's other interfaces.
import net from 'node:net';

const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  // listen(port, undefined, callback), the form @hono/node-server uses when no hostname is configured.
  if (typeof args[0] === 'number' && args[1] === undefined) args[1] = '127.0.0.1';
  this.once('listening', function announce() {
    const address = this.address();
    if (address && typeof address === 'object') {
      process.stdout.write(`listening http://127.0.0.1:${address.port}\n`);
    }
  });
  return listen.apply(this, args);
};
