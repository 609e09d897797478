import { getHeapSpaceStatistics } from 'node:v8';

/**
 * How full the main thread's young generation is, 0-1 (its semi-space's used bytes against used + available).
 * V8 scavenges it at ~80-100%; what is alive then is copied, so work that would leave objects waiting across
 * that moment can run just before it instead (see BatchWriter). One call makes a small array of objects.
 */
export function youngGenerationFill(): number {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  if (!space) return 0;
  const capacity = space.space_used_size + space.space_available_size;
  return capacity > 0 ? space.space_used_size / capacity : 0;
}
