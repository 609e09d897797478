/**
 * Counts the turns the event loop makes while `work` runs: work done in one synchronous piece (or in promise
 * continuations alone) lets none through; work that yields between its parts lets one through at each break.
 */
export async function loopTurnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let counting = true;
  const tick = () => {
    turns++;
    if (counting) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    await work();
  } finally {
    counting = false;
  }
  return turns;
}
