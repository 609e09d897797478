// Preloaded into a gateway (`node --import bench/source-probe.mjs dist/cli/main.js serve …`): counts, by the
// JavaScript stack that made them, the Errors whose stack is formatted (Error.prepareStackTrace), the calls of
// Error.captureStackTrace, the reads of process.env and the calls of v8.getHeapSpaceStatistics. Counting runs
// between two SIGWINCHs (the second prints `probe-result`, one `<count>\t<what> <stack>` line each, and
// `probe-end` on stderr), or, with $SOURCE_PROBE_OUT set, from the start to the exit, appended to that file (for a
// gateway another harness runs: `bench/instructions.mjs --node-flags="--import=<this file>"`). Used to tell work
// done per request from work on timers, which callgrind's slowdown spreads over few requests (docs/benchmark.md).
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import v8 from 'node:v8';
import { isMainThread } from 'node:worker_threads';

let on = false;
const counts = new Map();
const bump = (key) => counts.set(key, (counts.get(key) ?? 0) + 1);
const frame = (site) =>
  `${site.getFunctionName() ?? '?'}@${(site.getFileName() ?? '').replace(/.*\/(dist|node_modules)\//, '$1/')}:${site.getLineNumber()}`;
const captureStackTrace = Error.captureStackTrace;

/** The caller's stack, `skip` frames in, as one line. */
function stack(skip) {
  const holder = {};
  const [limit, prepare] = [Error.stackTraceLimit, Error.prepareStackTrace];
  Error.stackTraceLimit = 12;
  Error.prepareStackTrace = (_error, sites) => sites;
  captureStackTrace(holder);
  const sites = holder.stack;
  [Error.stackTraceLimit, Error.prepareStackTrace] = [limit, prepare];
  return sites.slice(skip).map(frame).join(' < ');
}

const prepare = Error.prepareStackTrace;
Error.prepareStackTrace = (error, sites) => {
  if (on)
    bump(`FORMAT ${error?.name}: ${String(error?.message).slice(0, 60)} | ${sites.slice(0, 8).map(frame).join(' < ')}`);
  return prepare ? prepare(error, sites) : `${error}\n${sites.map((site) => `    at ${site}`).join('\n')}`;
};
Error.captureStackTrace = function counted(target, constructorOpt) {
  if (on) bump(`CAPTURE ${stack(1)}`);
  return captureStackTrace.call(this, target, constructorOpt ?? counted);
};
const env = new Proxy(process.env, {
  get(target, name) {
    if (on && typeof name === 'string') bump(`ENV ${name} ${stack(3)}`);
    return target[name];
  },
});
Object.defineProperty(process, 'env', { value: env, configurable: true, writable: true, enumerable: true });
const getHeapSpaceStatistics = v8.getHeapSpaceStatistics;
v8.getHeapSpaceStatistics = function counted() {
  if (on) bump(`HEAPSPACE ${stack(2)}`);
  return getHeapSpaceStatistics.call(this);
};
// `import { getHeapSpaceStatistics } from 'node:v8'` binds when the gateway's modules load: after this.
syncBuiltinESMExports();

const report = () =>
  [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([what, n]) => `${n}\t${what}`)
    .join('\n');

if (process.env.SOURCE_PROBE_OUT && isMainThread) {
  on = true;
  const out = process.env.SOURCE_PROBE_OUT;
  process.on('exit', () => appendFileSync(out, `== pid ${process.pid}\n${report()}\n`));
} else if (isMainThread) {
  process.on('SIGWINCH', () => {
    if (!on) {
      counts.clear();
      on = true;
      process.stderr.write('probe-start\n');
      return;
    }
    on = false;
    process.stderr.write(`probe-result\n${report()}\nprobe-end\n`);
  });
}
