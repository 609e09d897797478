/**
 * `compute`, with its answer remembered per key for up to `max` keys: for lookups made on every request whose
 * answer depends only on the key (a model name). Keys can come from clients, so the memory is bounded; past `max`
 * keys, new ones are computed each time.
 */
export function rememberedPerKey<V>(compute: (key: string) => V, max: number): (key: string) => V {
  const remembered = new Map<string, V>();
  return (key) => {
    const known = remembered.get(key);
    if (known !== undefined || remembered.has(key)) return known as V;
    const value = compute(key);
    if (remembered.size < max) remembered.set(key, value);
    return value;
  };
}
