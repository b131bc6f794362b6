/**
 * Runs `work` for every item: items of one lane (same `laneOf`) one after the other in the order
 * given, lanes in parallel, at most `concurrency` lanes at a time. When an item of a lane fails,
 * the lane stops there: that item and the lane's later items get `blocked` with the error (`cause`
 * true for the item that failed), so the order within a lane is never broken by a gap. Results come back in the order of `items`.
 */
export async function orderedFanOut<T, R>(
  items: readonly T[],
  laneOf: (item: T) => string,
  concurrency: number,
  work: (item: T) => Promise<R>,
  blocked: (item: T, error: unknown, cause: boolean) => R,
): Promise<R[]> {
  const lanes = new Map<string, number[]>();
  items.forEach((item, i) => {
    const lane = laneOf(item);
    const list = lanes.get(lane);
    if (list) list.push(i);
    else lanes.set(lane, [i]);
  });
  const results = new Array<R>(items.length);
  const queue = [...lanes.values()];
  const runLane = async (indices: number[]): Promise<void> => {
    let failure: { error: unknown } | undefined;
    for (const i of indices) {
      const item = items[i] as T;
      if (failure) {
        results[i] = blocked(item, failure.error, false);
        continue;
      }
      try {
        results[i] = await work(item);
      } catch (error) {
        failure = { error };
        results[i] = blocked(item, error, true);
      }
    }
  };
  const worker = async (): Promise<void> => {
    for (let lane = queue.shift(); lane; lane = queue.shift()) await runLane(lane);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, worker));
  return results;
}
