import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { requiredBuildFile } from '../runtime/build-file.js';
import { ChangeProbe } from './change-probe.js';
import { ACTIVE_KEY } from './revision-queries.js';
import type { Store } from './store.js';
import { type Identity, identity } from './store-file-watch.js';
import { encodeCall, encodeSlicedInsert, isSliced, movedMemory, type WorkerMessage } from './worker-message.js';
import type { WorkerCall, WorkerReply } from './worker-protocol.js';

export class StoreError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}

/** The worker's program, bundled into one file by the build (scripts/bundle.mjs): ~4 MB less at idle. */
const WORKER_FILE = 'store/sqlite-worker.bundle.js';

/**
 * With `stopWhenIdle`, the writer thread stops once it has had no call in hand for `stopAfterMs`, and the next
 * call that needs it starts it again (~130 ms of CPU, ~0.2-0.5 s before that call is answered). Each start
 * that comes within `maxStopAfterMs` of the last stop doubles the wait (up to that maximum), so steady traffic
 * keeps the thread, while a gateway nobody uses releases it a second after its start's store work (issue 14:
 * ~10 MB of its idle RSS). Tests shorten it.
 */
export const writerIdle = { stopAfterMs: 1_000, maxStopAfterMs: 60_000 };

/**
 * Reads the gateway repeats on timers (the revision poll every 3 s, credentials every 2 s, the rotation sweep
 * every 30 s, the readiness probe), answered again from their last reply while the thread is stopped and the
 * database has not changed (see ChangeProbe); each says whether a `meta` row the main thread writes itself (this
 * gateway's report) can change its answer.
 */
const REPEATED_READS: ReadonlyMap<keyof Store, (metaKey: string) => boolean> = new Map<
  keyof Store,
  (metaKey: string) => boolean
>([
  ['activeRevisionNumber', (metaKey) => metaKey === ACTIVE_KEY],
  ['listClientKeys', () => false],
  ['listAdminTokens', () => false],
  ['credentialVersions', () => false],
]);

/** The writer threads of this process that run now (started and not stopped). */
const liveThreads = new Set<Worker>();

/** Threads told to end (stopped when idle, closed, failed to open): their exit is no failure. */
const toldToEnd = new WeakSet<Worker>();

/** How many SQLite writer threads run now, in this process. */
export function runningWriterThreads(): number {
  return liveThreads.size;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** A repeated read's reply is kept under this key, for this database version. */
  remember?: Remember;
}

interface Remember {
  key: string;
  version: number;
  method: keyof Store;
  args: unknown[];
}

export interface SqliteStoreOptions {
  /** Stop the writer thread when idle (the gateway); other users (the CLI) keep it until they close. */
  stopWhenIdle?: boolean;
}

/** A Store whose every call runs on the SQLite worker thread (but for the idle gateway's timers, see above). */
export async function openSqliteStore(file: string, options: SqliteStoreOptions = {}): Promise<Store> {
  const thread = new WriterThread(file);
  await thread.start();
  // In the background: until the probe is open, every call goes to the thread, as before.
  if (options.stopWhenIdle && file !== ':memory:') void thread.allowStops();
  return new Proxy({} as Store, {
    get(_target, property) {
      if (property === 'then') return undefined;
      const method = property as keyof Store;
      if (method === 'close') return () => thread.close();
      return (...args: unknown[]) => thread.call(method, args);
    },
  });
}

/** The writer thread: started, stopped when idle and started again, with the calls in order throughout. */
class WriterThread {
  private worker: Worker | undefined;
  private starting: Promise<unknown> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** The thread failed (an error or an exit nobody asked for): every call fails from then on. */
  private failure: Error | undefined;
  /** Calls waiting to be posted (a sliced batch being serialised, a thread starting), in call order. */
  private queue: Promise<void> | undefined;
  private probe: ChangeProbe | undefined;
  /** The last reply to each repeated read, with the call and the database version it answers for. */
  private readonly replies = new Map<string, Remember & { message: string }>();
  private opened: Identity | undefined;
  private stopAfterMs = writerIdle.stopAfterMs;
  private lastSentAt = Date.now();
  private stoppedAt = Number.NEGATIVE_INFINITY;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly file: string) {}

  /** Starts the thread (the first time: creating and migrating the database). */
  async start(): Promise<void> {
    this.worker = await this.launch(false);
  }

  /** From now on the thread stops when idle; the main thread's ChangeProbe answers the timers meanwhile. */
  async allowStops(): Promise<void> {
    const opened = await identity(this.file);
    const probe = await ChangeProbe.open(this.file);
    if (this.closed || this.failure) {
      probe?.close();
      return;
    }
    this.opened = opened;
    this.probe = probe;
    this.armIdleTimer();
  }

  call(method: keyof Store, args: unknown[]): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const remembered = this.rememberedReply(method, args);
    // Only while stopped: a running thread answers as before (the readiness probe's query proves it answers).
    if (remembered?.reply && this.isStopped()) return remembered.reply;
    if (this.isStopped() && this.probe && (method === 'setMeta' || method === 'deleteMeta')) {
      const key = args[0] as string;
      const done = method === 'setMeta' ? this.probe.setMeta(key, args[1] as string) : this.probe.deleteMeta(key);
      if (done) {
        // The probe's data_version does not count its own commits: forget the replies this row may change.
        for (const [name, kept] of this.replies) if (REPEATED_READS.get(kept.method)?.(key)) this.replies.delete(name);
        return Promise.resolve(undefined);
      }
    }
    if (!REPEATED_READS.has(method)) return this.send(method, args, remembered?.remember);
    // A timer's poll is not traffic: it must not keep an idle thread running (the credential check every 2 s
    // would otherwise outlast every idle wait from 2 s on), so it leaves the idle clock where it was.
    const lastSentAt = this.lastSentAt;
    const reply = this.send(method, args, remembered?.remember);
    this.lastSentAt = lastSentAt;
    return reply;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    try {
      await this.stopping;
      // A close must not overtake calls made before it; a stopped thread has nothing to close.
      if (!this.failure && (this.worker || this.starting || this.queue)) {
        await this.saveIfDeleted();
        await this.send('close', []);
      }
      const worker = this.worker;
      this.worker = undefined;
      if (worker) {
        toldToEnd.add(worker);
        await worker.terminate();
        liveThreads.delete(worker);
      }
    } finally {
      this.probe?.close();
      this.probe = undefined;
      // A closed store answers nothing, and starts no thread again.
      this.failure ??= new StoreError('the SQLite store is closed');
    }
  }

  /**
   * The file deleted under a running thread (`data/` removed by hand): the thread's connection still holds the
   * whole database, the records written since included, and closing it would lose them. It is written back to its
   * path first (a file put in its place is left alone).
   */
  private async saveIfDeleted(): Promise<void> {
    if (this.file === ':memory:' || (await identity(this.file).catch(() => true))) return;
    // Best effort: a close must still end the thread; the gateway says whether the file is back.
    await mkdir(dirname(this.file), { recursive: true })
      .then(() => this.send('saveCopy', [this.file]))
      .catch(() => undefined);
  }

  private isStopped(): boolean {
    return !this.worker && !this.starting && !this.stopping && this.pending.size === 0;
  }

  /**
   * For a repeated read: the reply kept for the database's current version (a fresh copy), or the key and
   * version to keep the thread's reply under. Undefined for other calls, or when the probe cannot tell.
   */
  private rememberedReply(
    method: keyof Store,
    args: unknown[],
  ): { reply?: Promise<unknown>; remember: Remember } | undefined {
    if (!this.probe || !REPEATED_READS.has(method)) return undefined;
    const version = this.probe.version();
    if (version === undefined) return undefined;
    const key = `${method}${JSON.stringify(args)}`;
    const kept = this.replies.get(key);
    const remember = { key, version, method, args };
    if (kept?.version !== version) return { remember };
    return { reply: Promise.resolve((JSON.parse(kept.message) as WorkerReply).result), remember };
  }

  /**
   * Asks the thread again for the kept replies the database has changed under (its start's own writes, the
   * last records), before it stops: otherwise the next poll would start it again only to read them.
   */
  private refreshStaleReplies(): boolean {
    const version = this.probe?.version();
    if (version === undefined) return false;
    let asked = false;
    // Not traffic: the thread may stop as soon as these are answered.
    const lastSentAt = this.lastSentAt;
    for (const kept of this.replies.values()) {
      if (kept.version === version) continue;
      const { key, method, args } = kept;
      void this.send(method, args, { key, version, method, args }).catch(() => undefined);
      asked = true;
    }
    this.lastSentAt = lastSentAt;
    return asked;
  }

  private send(method: keyof Store, args: unknown[], remember?: Pending['remember']): Promise<unknown> {
    this.lastSentAt = Date.now();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, remember ? { resolve, reject, remember } : { resolve, reject });
      // One JSON string per call: cloning a string is a copy, while structured cloning a batch of request
      // records walks every object (it cost ~5% of the gateway's CPU under load).
      try {
        this.post(
          id,
          isSliced(method, args)
            ? encodeSlicedInsert(id, args[0] as unknown[])
            : encodeCall({ id, method, args } satisfies WorkerCall),
        );
      } catch (error) {
        this.pending.delete(id);
        reject(error);
      }
    });
  }

  /**
   * Messages leave in call order: while a sliced batch is still being serialised or the thread starts, later
   * calls queue behind (a `close` must not overtake the last records; a read must see a write made before it).
   */
  private post(id: number, message: WorkerMessage | Promise<string>): void {
    const worker = this.worker;
    if (!this.queue && worker && !(message instanceof Promise)) {
      worker.postMessage(message, movedMemory(message));
      return;
    }
    const sent = (this.queue ?? Promise.resolve())
      .then(() => this.running())
      .then(async (current) => {
        const text = await message;
        current.postMessage(text, movedMemory(text));
      })
      .catch((error: unknown) => {
        this.pending.get(id)?.reject(error as Error);
        this.pending.delete(id);
      });
    this.queue = sent;
    void sent.then(() => {
      if (this.queue === sent) this.queue = undefined;
    });
  }

  /** The running thread, started again if it stopped when idle. */
  private async running(): Promise<Worker> {
    while (!this.worker) {
      if (this.failure) throw this.failure;
      if (this.stopping) {
        await this.stopping;
        continue;
      }
      const restart = this.restart();
      this.starting = restart;
      try {
        this.worker = await restart;
      } finally {
        this.starting = undefined;
      }
      this.armIdleTimer();
    }
    return this.worker;
  }

  private async restart(): Promise<Worker> {
    // A start soon after a stop means the wait was too short for this traffic.
    const sinceStop = Date.now() - this.stoppedAt;
    this.stopAfterMs =
      sinceStop < writerIdle.maxStopAfterMs
        ? Math.min(this.stopAfterMs * 2, writerIdle.maxStopAfterMs)
        : writerIdle.stopAfterMs;
    // The path must still name the file this gateway opened: SQLite would otherwise open a new, empty store in
    // place of a deleted one (a thread that kept running keeps writing to the unlinked file; see StoreFileWatch).
    const current = await identity(this.file);
    if (!current || current.dev !== this.opened?.dev || current.ino !== this.opened.ino) {
      throw new StoreError(
        `the database file ${this.file} was ${current ? 'replaced' : 'deleted'} while the gateway runs; restart the gateway`,
      );
    }
    return this.launch(true);
  }

  /** Starts a thread and resolves once its database is open. */
  private launch(reopen: boolean): Promise<Worker> {
    const worker = new Worker(requiredBuildFile(WORKER_FILE), {
      workerData: { file: this.file, reopen },
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    liveThreads.add(worker);
    return new Promise((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: string) => {
        if (ready) {
          this.reply(message);
          return;
        }
        ready = true;
        const reply = JSON.parse(message) as WorkerReply;
        if (!reply.error) {
          resolve(worker);
          return;
        }
        toldToEnd.add(worker);
        liveThreads.delete(worker);
        void worker.terminate();
        reject(new StoreError(reply.error.message, reply.error.code));
      });
      const fail = (error: Error) => {
        // A thread stopped when idle or at close exits as asked.
        if (!liveThreads.delete(worker) || toldToEnd.has(worker)) return;
        if (ready) this.failAll(error);
        else {
          ready = true;
          reject(error);
        }
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new StoreError(`the SQLite worker exited (code ${code})`)));
    });
  }

  private reply(message: string): void {
    const reply = JSON.parse(message) as WorkerReply;
    const entry = this.pending.get(reply.id);
    if (!entry) return;
    this.pending.delete(reply.id);
    if (reply.error) {
      entry.reject(new StoreError(reply.error.message, reply.error.code));
      return;
    }
    if (entry.remember) this.replies.set(entry.remember.key, { ...entry.remember, message });
    entry.resolve(reply.result);
  }

  private failAll(error: Error): void {
    this.failure = error;
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
  }

  private armIdleTimer(): void {
    if (this.idleTimer || this.closed || !this.probe || !this.opened) return;
    const check = () => {
      this.idleTimer = undefined;
      if (this.closed || !this.worker || this.failure) return;
      const waited = Date.now() - this.lastSentAt;
      if (this.pending.size > 0 || this.queue || waited < this.stopAfterMs || this.refreshStaleReplies()) {
        this.idleTimer = setTimeout(check, Math.max(this.stopAfterMs - waited, 100));
        this.idleTimer.unref();
        return;
      }
      void this.stopUnlessDeleted(check);
    };
    this.idleTimer = setTimeout(check, this.stopAfterMs);
    this.idleTimer.unref();
  }

  /**
   * Stops the idle thread, unless its file was deleted: the thread's open connection then holds the only copy of
   * the store, which close writes back (saveIfDeleted) and a stop would lose.
   */
  private async stopUnlessDeleted(check: () => void): Promise<void> {
    const present = await identity(this.file).catch(() => true);
    if (this.closed || !this.worker || this.failure || this.idleTimer) return;
    const busy = this.pending.size > 0 || this.queue || Date.now() - this.lastSentAt < this.stopAfterMs;
    if (present && !busy) {
      await this.stop();
      return;
    }
    this.idleTimer = setTimeout(check, this.stopAfterMs);
    this.idleTimer.unref();
  }

  /** Closes the thread's connection and ends the thread; a call made meanwhile waits, then starts a new one. */
  private stop(): Promise<void> {
    const worker = this.worker as Worker;
    this.worker = undefined;
    toldToEnd.add(worker);
    const id = this.nextId++;
    const closed = new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage(encodeCall({ id, method: 'close', args: [] }));
    });
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const stopping = Promise.race([closed.catch(() => undefined), exited])
      .then(() => {
        this.pending.delete(id);
        return worker.terminate();
      })
      .then(() => {
        liveThreads.delete(worker);
        this.stoppedAt = Date.now();
        this.stopping = undefined;
      });
    this.stopping = stopping;
    return stopping;
  }
}
