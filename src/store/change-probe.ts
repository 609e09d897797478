import type BetterSqlite3 from 'better-sqlite3';

/**
 * A small connection to the SQLite file on the main thread, so that an idle gateway's timers need no writer
 * thread (issue 14: its isolate is ~10 MB of an idle gateway's RSS). It does two things only, each a few
 * microseconds, on timers and never for a request:
 *
 * - says whether the database changed (`PRAGMA data_version`: it moves when another connection, the writer
 *   thread's included, commits), so that the revision poll (3 s), the credential check (2 s) and the rotation
 *   sweep (30 s) reuse their last answer while nothing changed;
 * - writes and deletes `meta` rows (this gateway's report, every 5 s) while the writer thread is stopped.
 *
 * It never waits for a lock (timeout 0): when another process holds the database, or anything else fails, the
 * caller sends the call to the writer thread, as without it.
 */
export class ChangeProbe {
  private constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly dataVersion: BetterSqlite3.Statement,
    private readonly upsertMeta: BetterSqlite3.Statement,
    private readonly removeMeta: BetterSqlite3.Statement,
  ) {}

  /** Opens the file (which must exist and be migrated: after the writer thread started); undefined if it cannot. */
  static async open(file: string): Promise<ChangeProbe | undefined> {
    try {
      const { default: Database } = await import('better-sqlite3');
      const db = new Database(file, { fileMustExist: true, timeout: 0 });
      // As the writer thread: commits to the WAL without an fsync each (the report is rewritten every 5 s).
      db.pragma('synchronous = NORMAL');
      return new ChangeProbe(
        db,
        db.prepare('PRAGMA data_version').pluck(),
        db.prepare(
          'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        ),
        db.prepare('DELETE FROM meta WHERE key = ?'),
      );
    } catch {
      return undefined;
    }
  }

  /**
   * Changes whenever another connection committed; undefined when it cannot tell. This connection's own writes
   * do not count (the caller knows what they changed).
   */
  version(): number | undefined {
    try {
      return this.dataVersion.get() as number;
    } catch {
      return undefined;
    }
  }

  /** The store's setMeta on this connection; false when it could not (the caller then uses the writer thread). */
  setMeta(key: string, value: string): boolean {
    return this.write(() => this.upsertMeta.run(key, value));
  }

  /** The store's deleteMeta on this connection; false when it could not. */
  deleteMeta(key: string): boolean {
    return this.write(() => this.removeMeta.run(key));
  }

  close(): void {
    this.db.close();
  }

  private write(run: () => unknown): boolean {
    try {
      run();
      return true;
    } catch {
      return false;
    }
  }
}
