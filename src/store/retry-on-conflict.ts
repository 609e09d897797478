/**
 * Error codes that mean "another writer got there first": SQLite busy/snapshot errors and primary-key
 * collisions, PostgreSQL unique violations, serialization failures and deadlocks.
 */
const CONFLICT = /^(SQLITE_BUSY.*|SQLITE_CONSTRAINT_PRIMARYKEY|SQLITE_CONSTRAINT_UNIQUE|23505|40001|40P01)$/;

export function isWriteConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONFLICT.test(code);
}

/** Runs a read-then-write transaction again (after a short random pause) when a concurrent writer won. */
export async function retryOnConflict<T>(run: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isWriteConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
