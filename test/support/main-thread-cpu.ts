import { readFileSync } from 'node:fs';

const TASK_STAT = `/proc/self/task/${process.pid}/stat`;

/**
 * CPU milliseconds this process's main thread has used (utime + stime, in 10 ms ticks), or undefined where
 * /proc is missing. Worker threads are not counted, which is what tells a block of the event loop apart from
 * work moved off it; on a loaded machine a late timer alone says nothing, as the process may not be scheduled.
 */
export function mainThreadCpuMs(): number | undefined {
  try {
    const fields = readFileSync(TASK_STAT, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
