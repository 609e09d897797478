import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/telemetry/request-record.js';
import { FakeAnthropic } from '../fakes/fake-anthropic.js';
import { FakeOpenAI } from '../fakes/fake-openai.js';
import { runCli } from '../support/cli-process.js';
import { ADMIN_TOKEN, fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/**
 * Usage and cost end to end: real-shaped usage from each upstream type, read by each client dialect through
 * the official SDKs (same dialect passed through, other dialect translated; streamed and not), must be recorded
 * in the one normalised form with no token counted twice, streams never at zero, and priced from the shipped
 * table. Then `amg usage` must equal the sum of the request log to the cent.
 */

// gpt-4o: $2.50 input, $1.25 cached input, $10 output per million (shipped table).
const OPENAI_USAGE = { prompt: 1_000, completion: 200, cached: 400, reasoning: 50 };
const OPENAI_RECORDED = { inputTokens: 1_000, cachedTokens: 400, cacheWriteTokens: 0, outputTokens: 200 };
const OPENAI_COST = (600 * 2.5 + 400 * 1.25 + 200 * 10) / 1e6;

// claude-sonnet-4-5: $3 input, $0.30 cache read, $3.75 cache write, $15 output. Anthropic's input_tokens
// leaves out the cache counts, so the normalised input is 100 + 800 + 100.
const ANTHROPIC_USAGE = { input: 100, output: 300, cacheRead: 800, cacheCreation: 100 };
const ANTHROPIC_RECORDED = { inputTokens: 1_000, cachedTokens: 800, cacheWriteTokens: 100, outputTokens: 300 };
const ANTHROPIC_COST = (100 * 3 + 800 * 0.3 + 100 * 3.75 + 300 * 15) / 1e6;

let openaiUpstream: FakeOpenAI;
let anthropicUpstream: FakeAnthropic;
let harness: GatewayHarness;

beforeAll(async () => {
  openaiUpstream = await FakeOpenAI.start();
  openaiUpstream.setDefault({ kind: 'reply', text: 'one two three', usage: OPENAI_USAGE });
  anthropicUpstream = await FakeAnthropic.start();
  anthropicUpstream.setDefault({ kind: 'reply', text: 'one two three', usage: ANTHROPIC_USAGE });
  harness = await GatewayHarness.start({
    config: {
      providers: [
        fakeProvider('oa', openaiUpstream.baseUrl, openaiUpstream.apiKey),
        fakeProvider('an', anthropicUpstream.baseUrl, anthropicUpstream.apiKey, 'anthropic'),
      ],
      models: [
        { name: 'gpt', targets: [{ provider: 'oa', model: 'gpt-4o-2024-08-06' }] },
        { name: 'claude', targets: [{ provider: 'an', model: 'claude-sonnet-4-5-20250929' }] },
      ],
    },
  });
});

afterAll(async () => {
  await harness?.close();
  await openaiUpstream?.close();
  await anthropicUpstream?.close();
});

async function recordOf(model: string, stream: boolean, entryPoint: string, before: number): Promise<RequestRecord> {
  const rows = await harness.records(before + 1);
  const found = rows.find((r) => r.requestedModel === model && r.stream === stream && r.entryPoint === entryPoint);
  if (!found) throw new Error(`no record of ${entryPoint} ${model} stream=${stream}`);
  return found;
}

async function chat(model: string, stream: boolean): Promise<void> {
  const openai = harness.openai();
  if (!stream) {
    await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
    return;
  }
  // The client does not ask for usage: the gateway must, or the stream would be billed as zero.
  const chunks = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], stream });
  for await (const _chunk of chunks) {
    // drain
  }
}

async function messages(model: string, stream: boolean): Promise<void> {
  const anthropic = harness.anthropic();
  const body = { model, max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }] };
  if (!stream) {
    await anthropic.messages.create(body);
    return;
  }
  await anthropic.messages.stream(body).finalMessage();
}

async function responses(model: string, stream: boolean): Promise<void> {
  const openai = harness.openai();
  if (!stream) await openai.responses.create({ model, input: 'hi' });
  else for await (const _event of await openai.responses.create({ model, input: 'hi', stream })) void _event;
}

describe('usage and cost of every request', () => {
  const cases = [
    { client: 'openai', model: 'gpt', call: chat, entry: 'chat.completions', want: OPENAI_RECORDED, cost: OPENAI_COST },
    {
      client: 'openai',
      model: 'claude',
      call: chat,
      entry: 'chat.completions',
      want: ANTHROPIC_RECORDED,
      cost: ANTHROPIC_COST,
    },
    {
      client: 'anthropic',
      model: 'claude',
      call: messages,
      entry: 'messages',
      want: ANTHROPIC_RECORDED,
      cost: ANTHROPIC_COST,
    },
    { client: 'anthropic', model: 'gpt', call: messages, entry: 'messages', want: OPENAI_RECORDED, cost: OPENAI_COST },
    {
      client: 'responses',
      model: 'gpt',
      call: responses,
      entry: 'responses',
      want: OPENAI_RECORDED,
      cost: OPENAI_COST,
    },
    {
      client: 'responses',
      model: 'claude',
      call: responses,
      entry: 'responses',
      want: ANTHROPIC_RECORDED,
      cost: ANTHROPIC_COST,
    },
  ] as const;

  for (const c of cases) {
    for (const stream of [false, true]) {
      const mode = c.client === (c.model === 'gpt' ? 'openai' : 'anthropic') ? 'same dialect' : 'translated';
      it(`${c.client} client, ${c.model} upstream (${mode}), ${stream ? 'streamed' : 'not streamed'}`, async () => {
        const before = (await harness.records(0)).length;
        await c.call(c.model, stream);
        const record = await recordOf(c.model, stream, c.entry, before);
        expect(record).toMatchObject(c.want);
        expect(record.reasoningTokens).toBe(c.model === 'gpt' ? 50 : null);
        expect(record.usageEstimated).toBe(false);
        expect(record.costUsd).toBeCloseTo(c.cost, 12);
      });
    }
  }

  it('bills a stream the client abandoned for what it produced, flagged as an estimate', async () => {
    const slowText = 'a'.repeat(400);
    openaiUpstream.enqueue({ kind: 'reply', text: slowText, chunkSize: 8, chunkDelayMs: 20, usage: OPENAI_USAGE });
    anthropicUpstream.enqueue({
      kind: 'reply',
      text: slowText,
      chunkSize: 8,
      chunkDelayMs: 20,
      usage: ANTHROPIC_USAGE,
    });
    for (const model of ['gpt', 'claude']) {
      const before = (await harness.records(0)).length;
      const controller = new AbortController();
      const stream = await harness
        .openai()
        .chat.completions.create(
          { model, messages: [{ role: 'user', content: 'hi' }], stream: true },
          { signal: controller.signal },
        );
      // The SDK ends the iteration quietly on abort.
      let seen = 0;
      for await (const _chunk of stream) if (++seen === 5) controller.abort();
      expect(seen).toBeLessThan(20);
      const rows = await harness.records(before + 1);
      const record = rows.find((r) => r.requestedModel === model && r.status === 499);
      expect(record, model).toBeDefined();
      expect(record?.usageEstimated).toBe(true);
      expect(record?.outputTokens).toBeGreaterThan(0);
      expect(record?.outputTokens).toBeLessThan(100);
      expect(record?.costUsd).toBeGreaterThan(0);
      // Anthropic reports the input in message_start: that part is billed as reported, not estimated.
      if (model === 'claude') expect(record).toMatchObject({ inputTokens: 1_000, cachedTokens: 800 });
      // OpenAI reports it only in the last chunk, never sent: the prompt the upstream read is estimated from the
      // body's text ('user', 'hi', ~4 characters a token, and a message's framing), for a client without limits
      // too, not billed as 0.
      if (model === 'gpt') expect(record?.inputTokens).toBeGreaterThanOrEqual(5);
      if (model === 'gpt') expect(record?.inputTokens).toBeLessThan(30);
    }
  });

  it('bills a stream the client left before its first token for the prompt the upstream read', async () => {
    // A client that gives up while a model is still thinking was recorded with no usage and no cost, though the
    // upstream had read (and billed) its prompt.
    const prompt = 'word '.repeat(400);
    for (const entry of ['chat.completions', 'messages', 'responses']) {
      openaiUpstream.enqueue({ kind: 'reply', text: 'a'.repeat(40), chunkSize: 8, chunkDelayMs: 400 });
      const before = (await harness.records(0)).length;
      const controller = new AbortController();
      const options = { signal: controller.signal };
      if (entry === 'chat.completions') {
        const stream = await harness
          .openai()
          .chat.completions.create(
            { model: 'gpt', stream: true, messages: [{ role: 'user', content: prompt }] },
            options,
          );
        for await (const _chunk of stream) break;
      } else if (entry === 'messages') {
        const stream = await harness
          .anthropic()
          .messages.create(
            { model: 'gpt', max_tokens: 100, stream: true, messages: [{ role: 'user', content: prompt }] },
            options,
          );
        for await (const _event of stream) break;
      } else {
        const stream = await harness.openai().responses.create({ model: 'gpt', stream: true, input: prompt }, options);
        for await (const _event of stream) break;
      }
      controller.abort();
      const rows = await harness.records(before + 1);
      const record = rows.find((r) => r.entryPoint === entry && r.status === 499);
      expect(record, entry).toMatchObject({ usageEstimated: true });
      // Nothing was produced but the first chunk (counted as a token on a same-dialect OpenAI stream).
      expect(record?.outputTokens, entry).toBeLessThanOrEqual(1);
      // 2,000 characters of prompt: about 500 tokens, with a little for the message around it.
      expect(record?.inputTokens, entry).toBeGreaterThanOrEqual(500);
      expect(record?.inputTokens, entry).toBeLessThan(700);
      expect(record?.costUsd, entry).toBeGreaterThan(0);
    }
  });

  it('estimates the input of an abandoned stream whose upstream reports usage only at its end', async () => {
    // OpenAI-compatible upstreams report prompt tokens in their last chunk: a stream abandoned before it was
    // billed as no input at all. The estimate counts the prompt's text (about four characters a token), not
    // the base64 of an image.
    const prompt = 'word '.repeat(400);
    const image = `data:image/png;base64,${'A'.repeat(40_000)}`;
    const cases = [
      { entry: 'chat.completions', model: 'gpt' },
      { entry: 'messages', model: 'gpt' },
    ];
    for (const c of cases) {
      openaiUpstream.enqueue({ kind: 'reply', text: 'a'.repeat(400), chunkSize: 8, chunkDelayMs: 20 });
      const before = (await harness.records(0)).length;
      const controller = new AbortController();
      let seen = 0;
      if (c.entry === 'chat.completions') {
        const stream = await harness.openai().chat.completions.create(
          {
            model: c.model,
            stream: true,
            messages: [
              {
                role: 'user',
                content: [
                  { type: 'text', text: prompt },
                  { type: 'image_url', image_url: { url: image } },
                ],
              },
            ],
          },
          { signal: controller.signal },
        );
        for await (const _chunk of stream) if (++seen === 5) controller.abort();
      } else {
        const stream = harness.anthropic().messages.stream(
          {
            model: c.model,
            max_tokens: 100,
            messages: [
              {
                role: 'user',
                content: [
                  { type: 'text', text: prompt },
                  { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(40_000) } },
                ],
              },
            ],
          },
          { signal: controller.signal },
        );
        stream.on('text', () => {
          if (++seen === 5) controller.abort();
        });
        await stream.done().catch(() => undefined);
      }
      const rows = await harness.records(before + 1);
      const record = rows.find((r) => r.entryPoint === c.entry && r.requestedModel === c.model && r.status === 499);
      expect(record, c.entry).toMatchObject({ usageEstimated: true });
      // 2,000 characters of prompt: about 500 tokens, with a little for the message around it.
      expect(record?.inputTokens, c.entry).toBeGreaterThanOrEqual(500);
      expect(record?.inputTokens, c.entry).toBeLessThan(700);
    }
  });

  it('bills an abandoned same-dialect Anthropic stream for its start counts and the text produced', async () => {
    anthropicUpstream.enqueue({
      kind: 'reply',
      text: 'b'.repeat(400),
      chunkSize: 8,
      chunkDelayMs: 20,
      usage: ANTHROPIC_USAGE,
    });
    const before = (await harness.records(0)).length;
    const stream = harness.anthropic().messages.stream({
      model: 'claude',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    let pieces = 0;
    stream.on('text', () => {
      if (++pieces === 5) stream.abort();
    });
    await stream.done().catch(() => undefined);
    const rows = await harness.records(before + 1);
    const record = rows.find((r) => r.entryPoint === 'messages' && r.status === 499);
    expect(record).toBeDefined();
    expect(record).toMatchObject({
      inputTokens: 1_000,
      cachedTokens: 800,
      cacheWriteTokens: 100,
      usageEstimated: true,
    });
    // At least the five pieces of 8 characters the client saw, far less than the 400 it never got.
    expect(record?.outputTokens).toBeGreaterThanOrEqual(10);
    expect(record?.outputTokens).toBeLessThan(100);
  });

  it('matches the request log to the cent in amg usage, by key, model and provider', async () => {
    // The request log over the window exactly as the usage report is asked for it (`since=1h`, not an ISO time).
    const page = await harness.admin('GET', '/requests?limit=500&since=1h');
    expect(page.status).toBe(200);
    const log = page.body.data as RequestRecord[];
    expect(log.length).toBeGreaterThanOrEqual(15);
    const cents = (usd: number) => Math.round(usd * 100);
    const logCost = log.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
    const env = { AMG_ADMIN_TOKEN: ADMIN_TOKEN };
    for (const by of ['key', 'model', 'provider']) {
      const cli = await runCli(['usage', '--by', by, '--since', '1h', '--json', '--url', harness.adminUrl], {
        cwd: harness.dir,
        env,
      });
      expect(cli.stderr).toBe('');
      const report = JSON.parse(cli.stdout) as {
        data: Array<{
          group: string | null;
          costUsd: number;
          requests: number;
          inputTokens: number;
          cachedTokens: number;
        }>;
        total: { costUsd: number; requests: number };
      };
      expect(report.total.requests).toBe(log.length);
      expect(cents(report.total.costUsd)).toBe(cents(logCost));
      expect(report.total.costUsd).toBeCloseTo(logCost, 9);
      for (const row of report.data) {
        const mine = log.filter(
          (r) => (by === 'key' ? r.client : by === 'model' ? r.requestedModel : r.provider) === row.group,
        );
        expect(row.requests).toBe(mine.length);
        expect(row.inputTokens).toBe(mine.reduce((s, r) => s + (r.inputTokens ?? 0), 0));
        expect(row.cachedTokens).toBe(mine.reduce((s, r) => s + (r.cachedTokens ?? 0), 0));
        expect(row.costUsd).toBeCloseTo(
          mine.reduce((s, r) => s + (r.costUsd ?? 0), 0),
          9,
        );
      }
    }
    // Without --url the CLI reads the store the config file names, with the same result.
    const local = await runCli(
      ['usage', '--by', 'provider', '--since', '1h', '--json', '--config', harness.configPath],
      {
        cwd: harness.dir,
      },
    );
    expect(local.stderr).toBe('');
    const localReport = JSON.parse(local.stdout) as { total: { costUsd: number; requests: number } };
    expect(localReport.total.requests).toBe(log.length);
    expect(cents(localReport.total.costUsd)).toBe(cents(logCost));
    const byModel = (await harness.admin('GET', '/usage?group_by=model&since=1h')).body;
    expect(byModel.data.map((r: { group: string }) => r.group).sort()).toEqual(['claude', 'gpt']);
    const bad = await harness.admin('GET', '/usage?group_by=colour');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('GW_ERR_ADMIN_BAD_QUERY');
  });

  it('lists the effective price of each served model in amg prices, from the table with its source', async () => {
    const cli = await runCli(['prices', '--json', '--url', harness.adminUrl], {
      cwd: harness.dir,
      env: { AMG_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    expect(cli.code).toBe(0);
    const list = JSON.parse(cli.stdout) as { data: Array<Record<string, unknown>> };
    expect(list.data).toEqual([
      expect.objectContaining({ provider: 'oa', model: 'gpt-4o-2024-08-06', tableModel: 'gpt-4o', source: 'table' }),
      expect.objectContaining({
        provider: 'an',
        model: 'claude-sonnet-4-5-20250929',
        tableModel: 'claude-sonnet-4-5',
        price: expect.objectContaining({ input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 }),
      }),
    ]);
    const text = await runCli(['prices', '--url', harness.adminUrl], {
      cwd: harness.dir,
      env: { AMG_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    expect(text.stdout).toContain('table:gpt-4o');
    expect(text.stdout).not.toContain('NO PRICE');
  });
});
