import { stat } from 'node:fs/promises';

export interface StoreFileWatchOptions {
  intervalMs?: number;
  /** Told once when the file goes missing or is replaced, then every `repeatMs` while it stays so. */
  onProblem(problem: string): void;
  /** Told once when the path names the opened file again (its data directory moved back, say) after a problem. */
  onRecovered?(file: string): void;
  repeatMs?: number;
  now?: () => number;
}

/** Which file a path names: a deleted and re-created file, or one put in its place, has another. */
export interface Identity {
  dev: number;
  ino: number;
}

/**
 * Notices the SQLite file being deleted (or replaced) under a running gateway: SQLite keeps writing to the open,
 * unlinked file, so nothing fails; a deleted file is written back at close (worker-store.ts), a replaced one's
 * writes are lost when the process stops. A stat of the path every few seconds, off the request path, compares it
 * with the file that was opened.
 */
export class StoreFileWatch {
  private opened: Identity | undefined;
  private timer: NodeJS.Timeout | undefined;
  private current: string | undefined;
  private toldAt = Number.NEGATIVE_INFINITY;
  private readonly intervalMs: number;
  private readonly repeatMs: number;
  private readonly now: () => number;

  constructor(
    private readonly file: string,
    private readonly options: StoreFileWatchOptions,
  ) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.repeatMs = options.repeatMs ?? 600_000;
    this.now = options.now ?? Date.now;
  }

  /** What is wrong with the store file now, if anything (shown by /readyz and `amg status`). */
  get problem(): string | undefined {
    return this.current;
  }

  async start(): Promise<void> {
    if (this.file === ':memory:') return;
    this.opened = await identity(this.file);
    this.timer = setInterval(() => void this.check().catch(() => undefined), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Compares the path with the file that was opened; also run by the interval. */
  async check(): Promise<string | undefined> {
    if (!this.opened) return undefined;
    const now = await identity(this.file);
    const before = this.current;
    this.current = describe(this.file, this.opened, now);
    // /readyz and `amg status` clear by themselves; the log that said the file was gone says it is back.
    if (before && !this.current) this.options.onRecovered?.(this.file);
    if (this.current && this.now() - this.toldAt >= this.repeatMs) {
      this.toldAt = this.now();
      this.options.onProblem(this.current);
    }
    if (!this.current) this.toldAt = Number.NEGATIVE_INFINITY;
    return this.current;
  }
}

/** The file's identity, or undefined when the path names no file. */
export async function identity(file: string): Promise<Identity | undefined> {
  try {
    const { dev, ino } = await stat(file);
    return { dev, ino };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function describe(file: string, opened: Identity, now: Identity | undefined): string | undefined {
  if (!now) {
    return (
      `the database file ${file} was deleted while the gateway runs: the gateway keeps writing to the file it ` +
      'opened and writes the whole store back to this path when it stops (stop it soon: until then the path holds ' +
      'no store for the CLI or a backup); had its writer thread already stopped for idleness, writes fail instead ' +
      'and a restart begins a new, empty store, unless the file is restored from a backup first'
    );
  }
  if (now.dev !== opened.dev || now.ino !== opened.ino) {
    return (
      `the database file ${file} was replaced by another file while the gateway runs: the gateway keeps writing ` +
      'to the file it opened, and everything written since is lost when it stops; restore the file from a ' +
      'backup, or restart the gateway to use the file now at the path'
    );
  }
  return undefined;
}
