// node bench/scavenge-placement.mjs <probe file> [one-connection log] [requests]: where the gateway's main-thread
// scavenges fell during the last `requests` requests it served (9,000 unless set: bench:memory's 1-connection
// phase, warm-up included): inside a request (one or more requests in flight when it started) or between
// requests, with their pauses (relative figures: a pause is timed, so only compare runs of the same hour). With
// bench/one-connection.mjs's log, also the client's view of its recorded requests: how many a scavenge overlapped
// and by how much (the part of the pause inside the request's round trip; over 0.05 ms). See bench/scavenge-probe.mjs.
import { readFileSync } from 'node:fs';

const [probeFile, logFile, requestsArg = '9000'] = process.argv.slice(2);
const { events, gc } = JSON.parse(readFileSync(probeFile, 'utf8'));
const REQUESTS = Number(requestsArg);

const starts = [];
for (let i = 0; i < events.length; i += 2) if (events[i + 1] > 0) starts.push(events[i]);
const from = starts[Math.max(0, starts.length - REQUESTS)];
const scavenges = gc.filter(([t, , kind]) => kind === 'scavenge' && t >= from);
const others = gc.filter(([t, , kind]) => kind !== 'scavenge' && t >= from);

/**
 * How many requests were in flight at time t (request events in time order), counted from the phase's first
 * request: requests of the load before it that never finished (connections cut at its end) do not count.
 */
let e = events.indexOf(from);
let inflight = 0;
const inside = [];
const between = [];
for (const [t, duration] of scavenges) {
  while (e < events.length && events[e] <= t) {
    inflight = Math.max(0, inflight + events[e + 1]);
    e += 2;
  }
  (inflight > 0 ? inside : between).push(duration);
}
const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[xs.length >> 1] : Number.NaN);
const ms = (x) => `${x.toFixed(3)} ms`;
const served = starts.length - starts.indexOf(from);
console.log(
  `${served} requests served: ${scavenges.length} main-thread scavenges (${((100 * scavenges.length) / served).toFixed(2)}% of requests); ` +
    `${inside.length} inside a request (median pause ${ms(median(inside))}), ${between.length} between requests (median pause ${ms(median(between))}); ` +
    `${others.length} other collections`,
);

if (logFile) {
  const log = JSON.parse(readFileSync(logFile, 'utf8')).filter(([side]) => side === 'gateway');
  const overlaps = [];
  let g = 0;
  for (const [, start, wall] of log) {
    while (g < scavenges.length && scavenges[g][0] + scavenges[g][1] < start) g++;
    let overlap = 0;
    for (let k = g; k < scavenges.length && scavenges[k][0] < start + wall; k++) {
      const [t, duration] = scavenges[k];
      overlap += Math.min(t + duration, start + wall) - Math.max(t, start);
    }
    // A pause that starts just before the client has read the previous response overlaps that request's window
    // by the client's own few µs of reading it, without delaying it: the response had left the gateway.
    if (overlap > 0.05) overlaps.push(overlap);
  }
  console.log(
    `client's view, ${log.length} recorded gateway requests: ${overlaps.length} overlapped a scavenge (${((100 * overlaps.length) / log.length).toFixed(2)}%), ` +
      `by ${ms(median(overlaps))} median (max ${ms(Math.max(0, ...overlaps))}); overlaps over 0.5 ms: ${overlaps.filter((x) => x > 0.5).length}`,
  );
}
