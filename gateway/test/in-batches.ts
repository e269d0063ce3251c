/**
 * `Promise.all(items.map(fn))`, `size` at a time: seeding many entities, or setting up a race,
 * without flooding a pool of database connections. The results come back in the items' order.
 */
export async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    const batch = items.slice(i, i + size).map((item, j) => fn(item, i + j));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}
