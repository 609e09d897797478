import type { Store, StoredResponse } from '../../store/store.js';

const DAY_MS = 86_400_000;

type ResponseStore = Pick<Store, 'insertStoredResponse' | 'getStoredResponse' | 'deleteStoredResponse'>;

export interface StoredResponsesOptions {
  /** Days a stored response stays readable; 0 keeps them forever (the sweeper deletes older rows hourly). */
  retentionDays: () => number;
  now?: () => number;
  onWriteError?: (error: unknown, id: string) => void;
}

/**
 * The stored Responses of `store: true`, scoped to the client that created them. Writes go to the store (the
 * SQLite worker) without the request waiting; until a write has landed the response is served from memory, so
 * a chained request that arrives the moment the previous answer ended still finds it. A response past its
 * retention reads as absent even before the sweeper has deleted it.
 */
export class StoredResponses {
  private readonly pending = new Map<string, StoredResponse>();
  private readonly writes = new Map<string, Promise<void>>();

  constructor(
    private readonly store: ResponseStore,
    private readonly options: StoredResponsesOptions,
  ) {}

  /** Starts the write and returns at once. */
  save(response: StoredResponse): void {
    const id = response.id;
    this.pending.set(id, response);
    const write = this.store
      .insertStoredResponse(response)
      .catch((error: unknown) => this.options.onWriteError?.(error, id))
      .finally(() => {
        if (this.writes.get(id) === write) {
          this.pending.delete(id);
          this.writes.delete(id);
        }
      });
    this.writes.set(id, write);
  }

  async get(id: string, clientScope: string): Promise<StoredResponse | undefined> {
    const found = this.pending.get(id) ?? (await this.store.getStoredResponse(id, clientScope));
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

  /** Resolves once every write started so far has landed (or failed). */
  async flush(): Promise<void> {
    await Promise.all([...this.writes.values()]);
  }

  private expired(response: StoredResponse): boolean {
    const days = this.options.retentionDays();
    return days > 0 && response.createdAt < (this.options.now ?? Date.now)() - days * DAY_MS;
  }
}
