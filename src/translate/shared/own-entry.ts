/**
 * `table[key]` for a key that came from a client or an upstream: only the table's own entries count, so a name
 * every object inherits (`constructor`, `__proto__`, `toString`) finds nothing rather than a function.
 */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
