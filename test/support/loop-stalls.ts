/**
 * Watches the event loop of this process (the gateway under test runs in it) and the gateway's /healthz while
 * some work runs: the longest gap between timer ticks, and the slowest health check.
 */
export async function watchStalls<T>(
  healthUrl: string,
  work: () => Promise<T>,
): Promise<{ result: T; longestTickGapMs: number; slowestHealthMs: number; healthChecks: number }> {
  let last = performance.now();
  let longestTickGapMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longestTickGapMs = Math.max(longestTickGapMs, now - last);
    last = now;
  }, 2);
  let running = true;
  let slowestHealthMs = 0;
  let healthChecks = 0;
  const prober = (async () => {
    while (running) {
      const started = performance.now();
      const response = await fetch(healthUrl);
      await response.arrayBuffer();
      slowestHealthMs = Math.max(slowestHealthMs, performance.now() - started);
      healthChecks++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  try {
    const result = await work();
    return { result, longestTickGapMs, slowestHealthMs, healthChecks };
  } finally {
    running = false;
    clearInterval(ticker);
    await prober;
  }
}
