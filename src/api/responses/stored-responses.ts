import type { Store, StoredResponse } from '../../store/store.js';

const DAY_MS = 86_400_000;
/** Responses finished within this window go to the store in one transaction (a commit per row cost ~2x CPU). */
const BATCH_WINDOW_MS = 5;

type ResponseStore = Pick<Store, 'insertStoredResponses' | 'getStoredResponse' | 'deleteStoredResponse'>;

export interface StoredResponsesOptions {
  /** Days a stored response stays readable; 0 keeps them forever (the sweeper deletes older rows hourly). */
  retentionDays: () => number;
  now?: () => number;
  onWriteError?: (error: unknown, ids: readonly string[]) => void;
}

/**
 * The stored Responses of `store: true`, scoped to the client that created them. Writes go to the store (the
 * SQLite worker) in small batches without the request waiting; until its batch has landed a response is served
 * from memory, so a chained request that arrives the moment the previous answer ended still finds it. A
 * response past its retention reads as absent even before the sweeper has deleted it.
 */
export class StoredResponses {
  private readonly pending = new Map<string, StoredResponse>();
  /** The batch being collected, and the write each saved-but-not-landed id waits on. */
  private batch: StoredResponse[] = [];
  private batchWrite: Promise<void> | undefined;
  private readonly writes = new Map<string, Promise<void>>();

  constructor(
    private readonly store: ResponseStore,
    private readonly options: StoredResponsesOptions,
  ) {}

  /** Queues the write and returns at once. */
  save(response: StoredResponse): void {
    this.pending.set(response.id, response);
    this.batch.push(response);
    this.batchWrite ??= new Promise<void>((resolve) => setTimeout(resolve, BATCH_WINDOW_MS)).then(() =>
      this.writeBatch(),
    );
    this.writes.set(response.id, this.batchWrite);
  }

  async get(id: string, clientScope: string): Promise<StoredResponse | undefined> {
    let pending = this.pending.get(id);
    if (pending && !Array.isArray(pending.inputItems)) {
      // Items kept as bytes move to the store's thread with the write rather than being copied (see
      // worker-message.ts), so such a turn is read back from the store once its write has landed.
      await this.writes.get(id);
      pending = undefined;
    }
    const found = pending ?? (await this.store.getStoredResponse(id, clientScope));
    if (!found || found.clientScope !== clientScope || this.expired(found)) return undefined;
    return found;
  }

  /** Deletes a response of this client; false when it has none by that id (or it has expired). */
  async delete(id: string, clientScope: string): Promise<boolean> {
    // A delete that overtook its own write would find nothing and the write would then bring it back.
    await this.writes.get(id);
    const live = await this.get(id, clientScope);
    const deleted = await this.store.deleteStoredResponse(id, clientScope);
    return deleted && live !== undefined;
  }

  /** Resolves once every write queued so far has landed (or failed). */
  async flush(): Promise<void> {
    await Promise.all([...this.writes.values()]);
  }

  private async writeBatch(): Promise<void> {
    const batch = this.batch;
    this.batch = [];
    this.batchWrite = undefined;
    try {
      await this.store.insertStoredResponses(batch);
    } catch (error) {
      this.options.onWriteError?.(
        error,
        batch.map((response) => response.id),
      );
    } finally {
      for (const response of batch) {
        this.pending.delete(response.id);
        this.writes.delete(response.id);
      }
    }
  }

  private expired(response: StoredResponse): boolean {
    const days = this.options.retentionDays();
    return days > 0 && response.createdAt < (this.options.now ?? Date.now)() - days * DAY_MS;
  }
}
