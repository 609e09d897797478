// Preloaded into a gateway, prints every 3 s on stderr whether anything in the process taxes every promise or
// every HTTP request: async hooks (AsyncLocalStorage installs one in Node 20; enabling any turns on V8's promise
// hooks) and diagnostics-channel subscribers of undici's, node:http's and node:net's channels (undici and node
// do extra work per request for a channel that has subscribers). Needs --expose-internals, e.g.
// GATEWAY_LOG=1 GATEWAY_FLAGS="--expose-internals --require=$PWD/bench/context-probe.cjs" \
//   node bench/tracing-gateway-cpu.mjs 1 4000 --warmup=2000
const hooks = require('internal/async_hooks');
const channels = require('node:diagnostics_channel');

const NAMES = [
  'undici:request:create',
  'undici:request:bodySent',
  'undici:request:headers',
  'undici:request:trailers',
  'undici:request:error',
  'undici:client:sendHeaders',
  'undici:client:beforeConnect',
  'undici:client:connected',
  'undici:client:connectError',
  'http.client.request.start',
  'http.client.response.finish',
  'http.server.request.start',
  'http.server.response.finish',
  'net.client.socket',
  'net.server.socket',
];
setInterval(() => {
  const [active] = hooks.getHookArrays();
  const subscribed = NAMES.filter((name) => channels.hasSubscribers(name));
  process.stderr.write(
    `context-probe pid ${process.pid}: async hooks ${active.length}, init hooks ${hooks.initHooksExist()}, ` +
      `subscribed channels: ${subscribed.join(', ') || 'none'}\n`,
  );
}, 3000).unref();
