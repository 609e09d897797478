import { createRequire } from 'node:module';
import type { Dispatcher, Pool as UndiciPool } from 'undici';

/**
 * undici's Pool and the request API it needs, without the rest of undici. Its entry point loads every part of
 * it (fetch, WebSocket, EventSource, caches, mocks, proxy agents) that the gateway never uses: 4.4 MB of heap
 * after a full GC, against 1.4 MB for the pool and its request API (issue 14: memory at idle). The entry point
 * adds the request API (`request`, `stream`, …) to every dispatcher's prototype; this does the same, so a pool
 * made here behaves as one made from `undici`. undici is pinned to an exact version, these paths with it.
 */
const require = createRequire(import.meta.url);
const DispatcherClass = require('undici/lib/dispatcher/dispatcher.js') as { prototype: Dispatcher };
Object.assign(DispatcherClass.prototype, require('undici/lib/api/index.js'));

export const Pool = require('undici/lib/dispatcher/pool.js') as typeof UndiciPool;
export type Pool = UndiciPool;
