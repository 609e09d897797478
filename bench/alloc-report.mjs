// node bench/alloc-report.mjs <file.heapprofile> [requests] [top] [--stacks]: where a sampling heap profile's
// allocations came from (bench/request-alloc.mjs --profile writes one per mode), as bytes per request: the
// functions that allocated them (self), and the gateway's own functions whose calls allocated them (the nearest
// frame of the bundle, dist/, on each sample's stack), `top` of each (30 unless set). --stacks also prints the
// heaviest whole stacks. A sample stands for `samplingInterval` bytes on average, so figures under ~1% of the
// total are noise.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const [file, requestsArg = '2000', topArg = '30'] = args;
const requests = Number(requestsArg);
const TOP = Number(topArg);
const { head } = JSON.parse(readFileSync(file, 'utf8'));

const where = (frame) => {
  const url = frame.callFrame.url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/');
  return `${frame.callFrame.functionName || '(anonymous)'} ${url}:${frame.callFrame.lineNumber + 1}`;
};
const ours = (frame) => /\/dist\//.test(frame.callFrame.url);

const self = new Map();
const nearestOurs = new Map();
const stacks = new Map();
let total = 0;
function walk(node, path) {
  const here = [...path, node];
  if (node.selfSize > 0) {
    total += node.selfSize;
    const name = where(node);
    self.set(name, (self.get(name) ?? 0) + node.selfSize);
    const own = [...here].reverse().find(ours);
    const key = own ? where(own) : '(no gateway frame)';
    nearestOurs.set(key, (nearestOurs.get(key) ?? 0) + node.selfSize);
    const stack = here
      .slice(1)
      .map(where)
      .filter((s) => !s.startsWith('(anonymous) :'))
      .slice(-8)
      .join(' < ');
    stacks.set(stack, (stacks.get(stack) ?? 0) + node.selfSize);
  }
  for (const child of node.children) walk(child, here);
}
walk(head, []);

const perRequest = (bytes) => (bytes / requests).toFixed(0).padStart(7);
const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [name, bytes] of [...map].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    console.log(`${perRequest(bytes)} B  ${((bytes / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
};
console.log(`${file}: ${perRequest(total).trim()} B per request sampled (${requests} requests)`);
print('self (the allocating function)', self);
print('nearest gateway frame', nearestOurs);
if (process.argv.includes('--stacks')) {
  console.log('\nheaviest stacks (innermost first is the last)');
  for (const [stack, bytes] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    console.log(`${perRequest(bytes)} B  ${stack}`);
  }
}
