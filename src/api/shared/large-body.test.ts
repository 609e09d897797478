import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.js';
import { itemIds, listedItems } from '../../translate/responses/listed-items.js';
import {
  fieldKind,
  LARGE_BODY_BYTES,
  parseLargeBody as parseParts,
  parserCap,
  parserIdle,
  runningParserThreads,
  translateOffThread,
} from './large-body.js';
import { parseJsonObject } from './read-body.js';

const filler = 'x'.repeat(LARGE_BODY_BYTES);

/** Parses a body sent in 64 KiB chunks, as a socket delivers it. */
function parseLargeBody(raw: Buffer) {
  const chunks: Buffer[] = [];
  for (let at = 0; at < raw.length; at += 65536) chunks.push(Buffer.from(raw.subarray(at, at + 65536)));
  return parseParts({ chunks, size: raw.length });
}
const large = (fields: string) => Buffer.from(`{${fields},"padding":"${filler}"}`);

async function refusalOf(raw: Buffer): Promise<GatewayError> {
  const error = await parseLargeBody(raw).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('parseLargeBody (on the worker thread)', () => {
  it('gives the same object as parsing it here, keys in order, with the bytes handed back intact', async () => {
    const raw = large('"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}],"__proto__":{"a":1}');
    const copy = Buffer.from(raw);
    const { body, raw: back } = await parseLargeBody(raw);
    expect(back.equals(copy)).toBe(true);
    expect(Object.keys(body)).toEqual(['model', 'stream', 'messages', '__proto__', 'padding']);
    expect(JSON.stringify(body)).toBe(JSON.stringify(parseJsonObject(copy)));
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
  });

  it('keeps small fields as values and parses a large one only when it is read', async () => {
    const { body } = await parseLargeBody(
      large(`"model":"m","stream_options":{"include_usage":true},"input":[{"text":"${filler}"}]`),
    );
    expect(Object.getOwnPropertyDescriptor(body, 'model')?.value).toBe('m');
    // A string comes back whole however long it is; an array or object over the threshold stays unparsed.
    expect(Object.getOwnPropertyDescriptor(body, 'padding')?.value).toBe(filler);
    expect(Object.getOwnPropertyDescriptor(body, 'input')?.get).toBeTypeOf('function');
    expect(fieldKind(body, 'input')).toBe('array');
    expect(Object.getOwnPropertyDescriptor(body, 'stream_options')?.value).toEqual({ include_usage: true });
    expect(fieldKind(body, 'stream_options')).toBe('object');
    expect(fieldKind(body, 'absent')).toBe('undefined');
    expect(body.input).toEqual([{ text: filler }]);
    body.input = 'replaced';
    expect(body.input).toBe('replaced');
  });

  it('refuses what parseJsonObject refuses, with the same code, status and message', async () => {
    const cases = [
      Buffer.from(`[${'['.repeat(100)}${']'.repeat(100)},"${filler}"]`),
      large('"model":"m","MODEL":"other"'),
      Buffer.from(`["${filler}"]`),
      Buffer.from(`{"model":"${filler}`),
    ];
    for (const raw of cases) {
      const expected = (() => {
        try {
          parseJsonObject(Buffer.from(raw));
        } catch (error) {
          return error as GatewayError;
        }
        throw new Error('parseJsonObject accepted it');
      })();
      const refused = await refusalOf(raw);
      expect([refused.code, refused.status, refused.message, refused.param]).toEqual([
        expected.code,
        expected.status,
        expected.message,
        expected.param,
      ]);
    }
  });

  it('lists a Responses input as the stored items, ids included, as listing it here does', async () => {
    const input = [
      { role: 'user', content: filler },
      { type: 'message', role: 'assistant', content: 'ok' },
      { type: 'function_call_output', call_id: 'c1', output: 'x' },
      { id: 'own', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
    ];
    const raw = Buffer.from(JSON.stringify({ model: 'm', input }));
    const { body } = await parseLargeBody(Buffer.from(raw));
    const checked = { client: 'responses' as const, strict: false, dropped: [], target: undefined, listStem: 'stem1' };
    const listed = (await translateOffThread(body, checked)).listed;
    // As bytes spanning their own memory, so they move back rather than being copied.
    expect(listed).toBeInstanceOf(ArrayBuffer);
    const text = Buffer.from(listed as ArrayBuffer).toString('utf8');
    expect(text).toBe(JSON.stringify(listedItems(input, itemIds('stem1'))));
    expect(JSON.parse(text)[0].id).toBe('msg_stem1_0');
  });

  it('parses bodies side by side', async () => {
    const bodies = Array.from({ length: 6 }, (_, i) => large(`"model":"m${i}"`));
    const parsed = await Promise.all(bodies.map((raw) => parseLargeBody(raw)));
    expect(parsed.map(({ body }) => body.model)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
  });

  it("refuses a body its thread has not answered in time as the gateway's 503, not a 400 blaming the request", async () => {
    // A loaded host makes a valid body's parse outlast the cap (wall time); shortened here so that it always does.
    const afterMs = parserCap.afterMs;
    parserCap.afterMs = 1;
    try {
      const valid = large(`"model":"m","input":${JSON.stringify(Array.from({ length: 100_000 }, () => 'words'))}`);
      const refusal = await refusalOf(valid);
      expect(refusal).toMatchObject({ status: 503, code: 'GW_ERR_REQUEST_PARSE_TIMEOUT', kind: 'unavailable' });
    } finally {
      parserCap.afterMs = afterMs;
    }
    // The thread it had is replaced: the next body parses.
    expect((await parseLargeBody(large('"model":"next"'))).body.model).toBe('next');
  });

  it('lets an idle thread exit and starts one again for the next large body', async () => {
    const exitAfterMs = parserIdle.exitAfterMs;
    parserIdle.exitAfterMs = 100;
    try {
      await parseLargeBody(large('"model":"first"'));
      expect(runningParserThreads()).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(runningParserThreads()).toBe(0);
      const { body } = await parseLargeBody(large('"model":"again"'));
      expect(body.model).toBe('again');
      expect(runningParserThreads()).toBe(1);
    } finally {
      parserIdle.exitAfterMs = exitAfterMs;
    }
  });
});
