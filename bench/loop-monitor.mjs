// Preloaded into the gateway by npm run fuzz (node --import): finds the longest time the main thread was busy
// without returning to its event loop. A timer due every 10 ms that fires late measures the lag; on a loaded
// machine a process is also late when it is simply not scheduled, so the lag only counts as a block as far as the
// main thread used CPU in that time (from /proc/self/task/<pid>/stat, in 10 ms ticks: worker and GC threads are
// not counted). Falls back to the whole process's CPU where /proc is missing. On exit, writes { blocksOver100ms, maxBlockMs, maxLagMs, blocks } to
// $AMG_LOOP_MONITOR_FILE, `blocks` holding the end time (Date.now()) and length of each block over 100 ms
// ($AMG_LOOP_MONITOR_BLOCK_MS to list shorter ones).
import { readFileSync, writeFileSync } from 'node:fs';

const TASK_STAT = `/proc/self/task/${process.pid}/stat`;
const TICK_MS = 10;

/** CPU milliseconds of the main thread (utime + stime), or of the whole process without /proc. */
function mainThreadCpuMs() {
  try {
    const fields = readFileSync(TASK_STAT, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  }
}

const file = process.env.AMG_LOOP_MONITOR_FILE;
const PERIOD_MS = 10;
/** Blocks at least this long are listed one by one (all count in maxBlockMs). */
const LIST_MS = Number(process.env.AMG_LOOP_MONITOR_BLOCK_MS ?? 100);
let last = performance.now();
let lastCpu = mainThreadCpuMs();
let maxBlockMs = 0;
let maxLagMs = 0;
let blocksOver100ms = 0;
const blocks = [];

setInterval(() => {
  const now = performance.now();
  const cpu = mainThreadCpuMs();
  const lag = now - last - PERIOD_MS;
  const usedMs = cpu - lastCpu;
  const block = Math.max(0, Math.min(lag, usedMs));
  if (lag > maxLagMs) maxLagMs = lag;
  if (block > maxBlockMs) maxBlockMs = block;
  if (block > 100) blocksOver100ms++;
  if (block >= LIST_MS && blocks.length < 1_000) blocks.push({ at: Date.now(), ms: Math.round(block) });
  last = now;
  lastCpu = cpu;
}, PERIOD_MS).unref();

process.on('exit', () => {
  if (file) writeFileSync(file, JSON.stringify({ blocksOver100ms, maxBlockMs, maxLagMs, blocks }));
});
