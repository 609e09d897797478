/**
 * Histogram buckets in seconds for LLM calls: from a cached or tiny answer (10 ms) to a long generation at the
 * default total timeout (10 min). Time to first token and whole-request durations share them.
 */
export const LLM_SECONDS_BUCKETS = [
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600,
] as const;
