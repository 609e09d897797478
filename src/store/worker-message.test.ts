import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requestRecord } from '../../test/support/request-records.js';
import { StoredResponses } from '../api/responses/stored-responses.js';
import { openStore } from './open-store.js';
import { type Store, type StoredResponse, storedItems } from './store.js';
import {
  decodeCall,
  encodeCall,
  encodeSlicedInsert,
  isSliced,
  movedMemory,
  RECORDS_PER_SLICE,
} from './worker-message.js';

const items = [
  { id: 'msg_1', type: 'message', role: 'user', content: 'a "quoted" é \u0000items:feed:0 line\nbreak' },
  { id: 'fc_1', type: 'function_call_output', call_id: 'call_1', output: '{"ok":true}' },
];

const storedResponse = (id: string, inputItems: StoredResponse['inputItems']): StoredResponse => ({
  id,
  clientScope: 'config:app',
  createdAt: 1_700_000_000_000,
  previousResponseId: null,
  // A client's text that looks like the mark must stay text.
  response: { id, object: 'response', output_text: '\u0000items:0' },
  inputItems,
});

const records = (count: number) => Array.from({ length: count }, () => requestRecord({ errorMessage: 'a "quoted" é' }));

describe('worker messages', () => {
  it('builds a sliced batch into the same message as one JSON.stringify of the call', async () => {
    const batch = records(RECORDS_PER_SLICE * 3 + 7);
    expect(isSliced('insertRequests', [batch])).toBe(true);
    expect(await encodeSlicedInsert(42, batch)).toBe(encodeCall({ id: 42, method: 'insertRequests', args: [batch] }));
  });

  it('lets the event loop run between slices', async () => {
    const order: string[] = [];
    const encoding = encodeSlicedInsert(1, records(RECORDS_PER_SLICE * 3)).then(() => order.push('encoded'));
    setImmediate(() => order.push('another callback'));
    await encoding;
    expect(order).toEqual(['another callback', 'encoded']);
  });

  it('carries input items kept as UTF-8 JSON beside the message as bytes, never inside its string', () => {
    const json = JSON.stringify(items);
    // A view into a larger buffer, as a listing may be: only its own bytes may go along.
    const padded = Buffer.from(`xx${json}yy`);
    const asBytes = { utf8: padded.subarray(2, 2 + Buffer.byteLength(json)) };
    const call = {
      id: 7,
      method: 'insertStoredResponses' as const,
      args: [[storedResponse('resp_1', asBytes), storedResponse('resp_2', items), storedResponse('resp_3', asBytes)]],
    };
    const message = encodeCall(call);
    if (typeof message === 'string') throw new Error('expected the items beside the text');
    // Only resp_2's items, given as objects, are in the text.
    expect(message.text.split('quoted').length - 1).toBe(1);
    expect(message.items).toHaveLength(2);
    for (const bytes of message.items) expect(bytes.buffer.byteLength).toBe(Buffer.byteLength(json));
    // As the worker gets it: moved, not copied.
    const decoded = decodeCall(structuredClone(message, { transfer: movedMemory(message) }));
    const sent = decoded.args[0] as StoredResponse[];
    expect(sent.map((response) => storedItems(response.inputItems))).toEqual([items, items, items]);
    expect(sent[1]?.inputItems).toEqual(items);
    expect(sent[0]?.response).toEqual(storedResponse('resp_1', items).response);
  });

  it('decodes a plain message as the call it spells', () => {
    const call = { id: 3, method: 'insertStoredResponses' as const, args: [[storedResponse('resp_1', items)]] };
    const message = encodeCall(call);
    expect(typeof message).toBe('string');
    expect(decodeCall(message)).toEqual(call);
  });

  it('sends small batches and other calls in one piece', () => {
    expect(isSliced('insertRequests', [records(RECORDS_PER_SLICE)])).toBe(false);
    expect(isSliced('insertStoredResponses', [records(RECORDS_PER_SLICE * 2)])).toBe(false);
  });
});

describe('the SQLite worker store with sliced batches', () => {
  let dir: string | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const open = async () => {
    dir ??= mkdtempSync(join(tmpdir(), 'amg-worker-message-'));
    store = await openStore({ kind: 'sqlite', file: join(dir, 'gateway.db') });
    return store;
  };

  it('keeps call order: a read made right after a large insert sees all of it', async () => {
    const opened = await open();
    const insert = opened.insertRequests(records(250));
    const listed = await opened.listRequests({ limit: 1_000 });
    await insert;
    expect(listed).toHaveLength(250);
  });

  it('stores input items given as UTF-8 JSON and reads them back as items', async () => {
    const opened = await open();
    await opened.insertStoredResponses([storedResponse('resp_text', { utf8: Buffer.from(JSON.stringify(items)) })]);
    const read = await opened.getStoredResponse('resp_text', 'config:app');
    expect(read?.inputItems).toEqual(items);
  });

  it('moves items given as bytes to the worker, and a chained read right after the save finds them', async () => {
    const opened = await open();
    const responses = new StoredResponses(opened, { retentionDays: () => 0 });
    const utf8 = new TextEncoder().encode(JSON.stringify(items));
    responses.save(storedResponse('resp_moved', { utf8 }));
    const read = await responses.get('resp_moved', 'config:app');
    expect(utf8.byteLength).toBe(0); // moved, not copied
    expect(read?.inputItems).toEqual(items);
    await responses.flush();
  });

  it('writes a large batch that close was called right behind', async () => {
    const opened = await open();
    const insert = opened.insertRequests(records(250));
    await opened.close();
    await insert;
    store = undefined;
    const reopened = await open();
    expect(await reopened.listRequests({ limit: 1_000 })).toHaveLength(250);
  });
});
