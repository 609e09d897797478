// Preloaded into the gateway (node --import) as an experiment for issue 14's 1-connection p99, not part of the
// gateway: scavenges the main thread's young generation when the last request in flight has closed and the
// young generation is at least $AMG_IDLE_SCAVENGE_FILL full (0.7 unless set; V8 posts its own scavenge task at
// 0.8), looking every 4th such moment, so that V8's scavenges fall between requests instead of inside them.
// Measured on the loaded development machine (docs/benchmark.md, "Scavenges between requests"): every scavenge
// then falls between requests, but at one connection the next request arrives during the pause and waits for
// the rest of it, and there are ~20% more of them; kept here, out of the gateway, for a quiet timed A/B:
//   npm run bench:memory -- --trace-gc --node-flags "--import ./bench/idle-scavenge.mjs"
import { subscribe } from 'node:diagnostics_channel';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread } from 'node:worker_threads';

const FILL = Number(process.env.AMG_IDLE_SCAVENGE_FILL ?? 0.7);
const LOOK_EVERY = 4;

if (isMainThread) {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  let inflight = 0;
  let moments = 0;
  const youngFill = () => {
    const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    return space ? space.space_used_size / (space.space_used_size + space.space_available_size) : 0;
  };
  const scavengeIfStillIdle = () => {
    if (inflight === 0) gc({ type: 'minor' });
  };
  // One shared listener (no closure per request): `close` comes once per response, finished or cut.
  function closed() {
    inflight--;
    if (inflight > 0 || ++moments < LOOK_EVERY) return;
    moments = 0;
    if (youngFill() >= FILL) setImmediate(scavengeIfStillIdle);
  }
  subscribe('http.server.request.start', ({ response }) => {
    inflight++;
    response.on('close', closed);
  });
}
