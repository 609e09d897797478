import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requestRecord } from '../../test/support/request-records.js';
import { openStore } from './open-store.js';
import type { Store, StoredResponse } from './store.js';
import { encodeCall, encodeSlicedInsert, isSliced, RECORDS_PER_SLICE } from './worker-message.js';

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

  it('carries input items kept as JSON text into the message as the items, not as an escaped string', () => {
    const asText = { json: JSON.stringify(items) };
    const call = {
      id: 7,
      method: 'insertStoredResponses' as const,
      args: [[storedResponse('resp_1', asText), storedResponse('resp_2', items), storedResponse('resp_3', asText)]],
    };
    const message = encodeCall(call);
    expect(message).toContain(asText.json); // as it is, not escaped
    const sent = JSON.parse(message) as { args: [StoredResponse[]] };
    expect(sent.args[0].map((response) => response.inputItems)).toEqual([items, items, items]);
    expect(sent.args[0][0]?.response).toEqual(storedResponse('resp_1', items).response);
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

  it('stores input items given as JSON text and reads them back as items', async () => {
    const opened = await open();
    await opened.insertStoredResponses([storedResponse('resp_text', { json: JSON.stringify(items) })]);
    const read = await opened.getStoredResponse('resp_text', 'config:app');
    expect(read?.inputItems).toEqual(items);
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
