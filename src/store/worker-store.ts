import { Worker } from 'node:worker_threads';
import { requiredBuildFile } from '../runtime/build-file.js';
import type { Store } from './store.js';
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

/** A Store whose every call runs on the SQLite worker thread. */
export async function openSqliteStore(file: string): Promise<Store> {
  const worker = new Worker(requiredBuildFile(WORKER_FILE), {
    workerData: { file },
    resourceLimits: { maxYoungGenerationSizeMb: 4 },
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;

  const ready = new Promise<void>((resolve, reject) => {
    pending.set(0, { resolve: () => resolve(), reject });
  });
  worker.on('message', (message: string) => {
    const reply = JSON.parse(message) as WorkerReply;
    const entry = pending.get(reply.id);
    if (!entry) return;
    pending.delete(reply.id);
    if (reply.error) entry.reject(new StoreError(reply.error.message, reply.error.code));
    else entry.resolve(reply.result);
  });
  const failAll = (error: Error) => {
    failure = error;
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new StoreError(`the SQLite worker exited (code ${code})`)));
  await ready;

  // Messages leave in call order: while a sliced batch is still being serialised, later calls queue behind it
  // (a `close` must not overtake the last records; a read must see a write made before it).
  let queue: Promise<void> | undefined;
  const send = (id: number, message: WorkerMessage | Promise<string>) => {
    if (!queue && !(message instanceof Promise)) {
      worker.postMessage(message, movedMemory(message));
      return;
    }
    const sent = (queue ?? Promise.resolve())
      .then(() => message)
      .then(
        (text) => worker.postMessage(text, movedMemory(text)),
        (error: unknown) => {
          pending.get(id)?.reject(error as Error);
          pending.delete(id);
        },
      );
    queue = sent;
    void sent.then(() => {
      if (queue === sent) queue = undefined;
    });
  };

  const call = (method: keyof Store, args: unknown[]): Promise<unknown> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      // One JSON string per call: cloning a string is a copy, while structured cloning a batch of request
      // records walks every object (it cost ~5% of the gateway's CPU under load).
      try {
        send(
          id,
          isSliced(method, args)
            ? encodeSlicedInsert(id, args[0] as unknown[])
            : encodeCall({ id, method, args } satisfies WorkerCall),
        );
      } catch (error) {
        pending.delete(id);
        reject(error);
      }
    });
  };

  return new Proxy({} as Store, {
    get(_target, property) {
      if (property === 'then') return undefined;
      const method = property as keyof Store;
      if (method === 'close') {
        return async () => {
          if (!failure) await call('close', []);
          await worker.terminate();
        };
      }
      return (...args: unknown[]) => call(method, args);
    },
  });
}
