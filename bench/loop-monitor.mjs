// Preloaded into the gateway by npm run fuzz (node --import): finds the longest time the main thread was busy
// without returning to its event loop. A timer due every 10 ms that fires late measures the lag; on a loaded
// machine a process is also late when it is simply not scheduled, so the lag only counts as a block as far as the
// process used CPU in that time. On exit, writes { blocksOver100ms, maxBlockMs, maxLagMs } to
// $AMG_LOOP_MONITOR_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.AMG_LOOP_MONITOR_FILE;
const PERIOD_MS = 10;
let last = performance.now();
let lastCpu = process.cpuUsage();
let maxBlockMs = 0;
let maxLagMs = 0;
let blocksOver100ms = 0;

setInterval(() => {
  const now = performance.now();
  const cpu = process.cpuUsage();
  const lag = now - last - PERIOD_MS;
  const usedMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
  const block = Math.max(0, Math.min(lag, usedMs));
  if (lag > maxLagMs) maxLagMs = lag;
  if (block > maxBlockMs) maxBlockMs = block;
  if (block > 100) blocksOver100ms++;
  last = now;
  lastCpu = cpu;
}, PERIOD_MS).unref();

process.on('exit', () => {
  if (file) writeFileSync(file, JSON.stringify({ blocksOver100ms, maxBlockMs, maxLagMs }));
});
