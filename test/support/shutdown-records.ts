import { expect } from 'vitest';
import { runCli, type ServeProcess } from './cli-process.js';

/**
 * SIGTERMs `serve` while the streams read through `iterators` are still open (past the grace period): each must
 * end with the gateway's shutdown error, and the process exit 0 within 10 s. Resolves to the records then in the
 * store, as `amg requests tail --json` lists them.
 */
export async function stopWithStreamsOpen(
  serve: ServeProcess,
  iterators: Array<AsyncIterator<unknown>>,
  cwd: string,
): Promise<Array<Record<string, unknown>>> {
  const started = Date.now();
  serve.signal('SIGTERM');
  const drain = async (iterator: AsyncIterator<unknown>) => {
    for (;;) if ((await iterator.next()).done) return;
  };
  for (const iterator of iterators) await expect(drain(iterator)).rejects.toThrow(/shutting down/);
  expect(await serve.exited).toBe(0);
  expect(Date.now() - started).toBeLessThan(10_000);
  const tail = await runCli(['requests', 'tail', '--json'], { cwd });
  return tail.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
