import { setImmediate as nextTurn } from 'node:timers/promises';
import { log } from '../server/log.js';
import type { ClientKey, ClientKeyChange, ClientKeyChanges } from '../store/store.js';
import { ClientKeyTable } from './client-key-table.js';

/** Where client keys come from: a Store, or in tests anything that can list keys. */
export interface ClientKeySource {
  listClientKeys(): Promise<ClientKey[]>;
  /** Without it, a full reload reads every key in one call. */
  listClientKeysPage?(afterId: string | null, limit: number): Promise<ClientKey[]>;
  /** With `clientKeyChanges`: a change reads only the keys it changed; without, every key. */
  latestClientKeyChange?(): Promise<ClientKeyChange | undefined>;
  clientKeyChanges?(since: number, limit: number): Promise<ClientKeyChanges>;
}

/**
 * Keys a full reload reads and compiles between two turns of the event loop: at ~10 µs a key that keeps each
 * turn to a few ms however many keys there are (one read of 10,000 stalled every request for ~100 ms or more).
 */
export const RELOAD_PAGE = 250;

/** More changes than this since the last check are applied by a full reload (paged; as cheap by then). */
export const MAX_CHANGES = 1_000;

export interface ClientKeySyncStats {
  fullReloads: number;
  /** Keys read again one by one because the change log named them. */
  keysApplied: number;
}

/**
 * Keeps a ClientKeyTable in step with the store: a full reload (a page at a time) at start and whenever the
 * change log cannot say what changed, otherwise only the keys the log names since the entry last applied.
 */
export class ClientKeySync {
  private table = new ClientKeyTable();
  /** The log entry the table reflects (every change up to it is in); undefined: no log, full reloads only. */
  private head: ClientKeyChange | undefined;
  readonly stats: ClientKeySyncStats = { fullReloads: 0, keysApplied: 0 };

  constructor(private readonly source: ClientKeySource) {}

  /** Reads every key into a new table. */
  async loadAll(): Promise<ClientKeyTable> {
    // The head first: a change committed while the pages are read is after it, and applied by the next catch-up.
    // A store without the log (restored from a backup older than migration 0020) gets full reloads only.
    const head = await this.source.latestClientKeyChange?.().catch(() => undefined);
    const table = new ClientKeyTable();
    if (this.source.listClientKeysPage) {
      let after: string | null = null;
      for (;;) {
        const page = await this.source.listClientKeysPage(after, RELOAD_PAGE);
        for (const key of page) table.set(key.id, key);
        if (page.length < RELOAD_PAGE) break;
        after = page[page.length - 1]?.id ?? null;
      }
    } else {
      const keys = await this.source.listClientKeys();
      for (let start = 0; start < keys.length; start += RELOAD_PAGE) {
        if (start > 0) await nextTurn();
        for (const key of keys.slice(start, start + RELOAD_PAGE)) table.set(key.id, key);
      }
    }
    this.table = table;
    this.head = head;
    this.stats.fullReloads++;
    return table;
  }

  /**
   * Applies, in place, the changes the log holds after the entry last applied, given the store's counter now;
   * returns the version the table is now at, or undefined when only a full reload can be trusted.
   */
  async catchUp(counter: number): Promise<number | undefined> {
    const { head, source } = this;
    if (!head || !source.clientKeyChanges) return undefined;
    if (counter < head.version) {
      return refuse('warn', `the client keys' change counter went back from ${head.version} to ${counter}`);
    }
    const changes = await source.clientKeyChanges(head.version, MAX_CHANGES).catch((error: unknown) => error);
    if (!isChanges(changes)) return refuse('warn', `reading the client keys' change log failed (${String(changes)})`);
    const { entries, keys } = changes;
    const [first] = entries;
    if (!first || first.version !== head.version || first.mark !== head.mark) {
      return refuse('warn', `the client keys' change log no longer holds the change applied last (${head.version})`);
    }
    if (entries.length > MAX_CHANGES) return refuse('info', `more than ${MAX_CHANGES} client keys changed`);
    const last = entries[entries.length - 1] ?? first;
    if (last.version < counter) return refuse('warn', 'the client keys changed without a change log entry');
    const changed = entries.slice(1);
    if (changed.some((entry) => entry.keyId === null))
      return refuse('info', 'the change log says every key may have changed');
    const current = new Map(keys.map((key) => [key.id, key]));
    const ids = new Set(changed.map((entry) => entry.keyId as string));
    for (const id of ids) this.table.set(id, current.get(id));
    this.head = last;
    this.stats.keysApplied += ids.size;
    if (ids.size > 0) log.debug('client keys applied from the change log', { keys: ids.size, version: last.version });
    return last.version;
  }
}

function isChanges(value: unknown): value is ClientKeyChanges {
  return typeof value === 'object' && value !== null && 'entries' in value;
}

/** Logs why the changes cannot be applied one by one (a restored store is worth a warning), for a full reload. */
function refuse(level: 'info' | 'warn', reason: string): undefined {
  const hint = level === 'warn' ? { hint: 'was the store restored from a backup, or changed by hand?' } : undefined;
  log[level](`${reason}: reloading every client key`, hint);
  return undefined;
}
