import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DialectGateway, MODELS } from './support/dialect-gateway.js';

/**
 * Translated streams are relayed event by event, not collected: the SDK sees the first words while the upstream
 * is still writing, and a client that goes away stops the upstream request.
 */

type Upstream = 'openai' | 'anthropic';
type Dialect = 'chat' | 'messages' | 'responses';

const PIECES = 8;
const PIECE_DELAY_MS = 60;
const TEXT = 'one two three four five six seven eight ';

let gateway: DialectGateway;

function script(upstream: Upstream, chunkDelayMs: number, text = TEXT): void {
  const reply = { kind: 'reply' as const, text, chunkSize: text.length / PIECES, chunkDelayMs };
  if (upstream === 'openai') gateway.openaiUpstream.enqueue(reply);
  else gateway.anthropicUpstream.enqueue(reply);
}

/** Streams one answer through the dialect's SDK; `onText` sees each text delta as the SDK emits it. */
async function streamText(dialect: Dialect, upstream: Upstream, onText: () => void, signal?: AbortSignal) {
  const model = MODELS[upstream].name;
  const options = signal ? { signal } : undefined;
  if (dialect === 'chat') {
    const messages = [{ role: 'user' as const, content: 'Count' }];
    const stream = gateway.harness.openai().chat.completions.stream({ model, messages }, options);
    stream.on('content', onText);
    return (await stream.finalChatCompletion()).choices[0]?.message.content;
  }
  if (dialect === 'messages') {
    const messages = [{ role: 'user' as const, content: 'Count' }];
    const stream = gateway.harness.anthropic().messages.stream({ model, max_tokens: 100, messages }, options);
    stream.on('text', onText);
    return (await stream.finalMessage()).content.map((block) => (block.type === 'text' ? block.text : '')).join('');
  }
  const stream = gateway.harness.openai().responses.stream({ model, input: 'Count' }, options);
  stream.on('response.output_text.delta', onText);
  return (await stream.finalResponse()).output_text;
}

const TRANSLATED: Array<{ dialect: Dialect; upstream: Upstream }> = [
  { dialect: 'chat', upstream: 'anthropic' },
  { dialect: 'messages', upstream: 'openai' },
  { dialect: 'responses', upstream: 'openai' },
  { dialect: 'responses', upstream: 'anthropic' },
];

describe('translated stream delivery', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(async () => {
    gateway.reset();
    await gateway.skipRecords();
  });

  it.each(TRANSLATED)(
    '$dialect client <- $upstream: the first words arrive before the upstream finishes',
    async ({ dialect, upstream }) => {
      script(upstream, PIECE_DELAY_MS);
      const started = performance.now();
      let firstText: number | undefined;
      const text = await streamText(dialect, upstream, () => {
        firstText ??= performance.now() - started;
      });
      const total = performance.now() - started;
      expect(text).toBe(TEXT);
      // The upstream spends PIECES x PIECE_DELAY_MS writing; a collected stream would deliver everything at the end.
      expect(total).toBeGreaterThanOrEqual((PIECES - 1) * PIECE_DELAY_MS);
      expect(firstText).toBeDefined();
      expect(total - (firstText as number)).toBeGreaterThan((PIECES / 2) * PIECE_DELAY_MS);
    },
  );

  it.each(TRANSLATED)(
    '$dialect client <- $upstream: a client that goes away aborts the upstream request',
    async ({ dialect, upstream }) => {
      const fake = upstream === 'openai' ? gateway.openaiUpstream : gateway.anthropicUpstream;
      const abortedBefore = fake.server.aborted;
      script(upstream, 40, 'x'.repeat(PIECES * 50));
      const controller = new AbortController();
      await expect(streamText(dialect, upstream, () => controller.abort(), controller.signal)).rejects.toThrow();
      await expect.poll(() => fake.server.aborted, { timeout: 3_000 }).toBe(abortedBefore + 1);
      const record = await gateway.nextRecord();
      // A client event (issue 14): never an upstream stream failure, so no breaker or guard counts it.
      expect(record).toMatchObject({ status: 499, stream: true, errorCode: 'GW_ERR_CLIENT_CLOSED' });
      expect(record.errorMessage).toMatch(/^client closed the connection after \d+ bytes of the response$/);
    },
  );
});
