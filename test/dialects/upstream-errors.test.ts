import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatDriver } from './support/chat-driver.js';
import type { ClientDriver } from './support/client-driver.js';
import { DialectGateway, MODELS } from './support/dialect-gateway.js';
import { messagesDriver } from './support/messages-driver.js';
import { responsesDriver } from './support/responses-driver.js';

/**
 * Upstream failures that need more than relaying: a status one dialect does not have (Anthropic's 529), a
 * rate limit with retry-after, an overloaded_error event in the middle of a stream, and a connection cut
 * mid-stream. Every client must get its own dialect's error from its SDK, never a truncated success, and the
 * telemetry must say what happened.
 */

/** A model whose target is only used by the rate-limit case, so its cooldown touches nothing else. */
const LIMITED = { name: 'gpt-limited', upstream: 'gpt-limited-1' };

let gateway: DialectGateway;

interface ErrorCase {
  name: string;
  model: string;
  stream: boolean;
  script(): void;
  expected(driver: ClientDriver): { className: string; status: number | undefined; type: string };
  message: string;
  record: { status: (driver: ClientDriver) => number; provider: string; errorCode: string };
}

const overloadedStatus = (driver: ClientDriver) => (driver.entryPoint === 'messages' ? 529 : 503);

const CASES: ErrorCase[] = [
  ...[false, true].map(
    (stream): ErrorCase => ({
      name: `Anthropic 529 overloaded_error before the first byte (${stream ? 'stream' : 'non-stream'} request)`,
      model: MODELS.anthropic.name,
      stream,
      script: () => gateway.anthropicUpstream.enqueue({ kind: 'error', status: 529 }),
      expected: (driver) => ({
        className: driver.entryPoint === 'messages' ? 'OverloadedError' : 'InternalServerError',
        status: overloadedStatus(driver),
        type: driver.errorTypes.overloaded,
      }),
      message: 'Overloaded',
      record: { status: overloadedStatus, provider: 'ant', errorCode: 'GW_ERR_UPSTREAM_FAILED' },
    }),
  ),
  {
    name: 'OpenAI-compatible 429 with retry-after',
    model: LIMITED.name,
    stream: false,
    script: () =>
      gateway.openaiUpstream.enqueue({
        kind: 'error',
        status: 429,
        headers: { 'retry-after': '1' },
        body: { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: null } },
      }),
    expected: () => ({ className: 'RateLimitError', status: 429, type: 'rate_limit_error' }),
    message: 'Rate limit reached for requests',
    record: { status: () => 429, provider: 'oai', errorCode: 'GW_ERR_UPSTREAM_FAILED' },
  },
  {
    name: 'Anthropic overloaded_error event in the middle of a stream',
    model: MODELS.anthropic.name,
    stream: true,
    script: () =>
      gateway.anthropicUpstream.enqueue({
        kind: 'streamError',
        after: 5,
        reply: { kind: 'reply', text: 'partial answer' },
      }),
    expected: (driver) => ({ className: 'APIError', status: undefined, type: driver.errorTypes.overloaded }),
    message: 'Overloaded',
    record: { status: () => 200, provider: 'ant', errorCode: 'GW_ERR_UPSTREAM_STREAM' },
  },
  ...(['openai', 'anthropic'] as const).map(
    (upstream): ErrorCase => ({
      name: `${upstream} upstream connection cut in the middle of a stream`,
      model: MODELS[upstream].name,
      stream: true,
      script: () =>
        upstream === 'openai'
          ? gateway.openaiUpstream.enqueue({ kind: 'break', after: 3 })
          : gateway.anthropicUpstream.enqueue({ kind: 'break', after: 5 }),
      expected: (driver) => ({ className: 'APIError', status: undefined, type: driver.errorTypes.server }),
      message: 'upstream stream failed after it started',
      record: {
        status: () => 200,
        provider: upstream === 'openai' ? 'oai' : 'ant',
        errorCode: 'GW_ERR_UPSTREAM_STREAM',
      },
    }),
  ),
];

const DRIVERS = [
  { name: 'openai chat.completions', make: () => chatDriver(gateway.harness.openai()) },
  { name: 'anthropic messages', make: () => messagesDriver(gateway.harness.anthropic()) },
  { name: 'openai responses', make: () => responsesDriver(gateway.harness.openai()) },
];

describe('upstream failures, as each client dialect sees them', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start([
      { name: LIMITED.name, targets: [{ provider: 'oai', model: LIMITED.upstream }] },
    ]);
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(async () => {
    gateway.reset();
    await gateway.skipRecords();
  });

  describe.each(DRIVERS)('$name client', ({ make }) => {
    it.each(CASES)('$name', async (errorCase) => {
      const driver = make();
      errorCase.script();
      const conversation = driver.start({ model: errorCase.model, prompt: 'Hello' });
      const error = await driver.error(() => conversation.send(errorCase.stream));
      expect(error).toMatchObject(errorCase.expected(driver));
      expect(error.message).toContain(errorCase.message);
      const record = await gateway.nextRecord();
      // A request no target served records no provider; its attempts say who failed.
      const served = errorCase.record.errorCode === 'GW_ERR_UPSTREAM_STREAM';
      expect(record.attempts.at(-1)?.provider).toBe(errorCase.record.provider);
      expect(record).toMatchObject({
        status: errorCase.record.status(driver),
        provider: served ? errorCase.record.provider : null,
        entryPoint: driver.entryPoint,
        stream: errorCase.stream,
        errorCode: errorCase.record.errorCode,
      });
      expect(record.errorMessage).toContain(errorCase.message);
      // Let a retry-after cooldown run out before the next client tries the same target.
      if (errorCase.model === LIMITED.name) await new Promise((resolve) => setTimeout(resolve, 1_100));
    });
  });
});

describe("an OpenAI-compatible upstream's error code, as a translated OpenAI-shaped client sees it", () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start([]);
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('keeps context_length_exceeded for a Responses client, so its checks on error.code still work', async () => {
    gateway.openaiUpstream.enqueue({
      kind: 'error',
      status: 400,
      body: {
        error: {
          message: "This model's maximum context length is 128000 tokens.",
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        },
      },
    });
    const error = await gateway.harness
      .openai()
      .responses.create({ model: MODELS.openai.name, input: 'Hello', store: false })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded', type: 'invalid_request_error' });
    expect((error as Error).message).toContain('maximum context length');
  });
});

describe('an answer DeepSeek cut short for lack of capacity (finish_reason insufficient_system_resource)', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start([]);
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(async () => {
    gateway.reset();
    await gateway.skipRecords();
  });

  // Chat clients of an OpenAI-compatible upstream get its bytes as they are; the translated dialects must not
  // take the partial answer for a whole one.
  const TRANSLATED = DRIVERS.filter((driver) => driver.name !== 'openai chat.completions');

  describe.each(TRANSLATED)('$name client', ({ make }) => {
    it.each([false, true])('fails as overloaded (stream: %s), never a finished turn', async (stream) => {
      const driver = make();
      gateway.openaiUpstream.enqueue({
        kind: 'reply',
        text: 'Partial answ',
        finishReason: 'insufficient_system_resource',
      });
      const conversation = driver.start({ model: MODELS.openai.name, prompt: 'Hello' });
      const error = await driver.error(() => conversation.send(stream));
      expect(error).toMatchObject(
        stream
          ? { className: 'APIError', status: undefined, type: driver.errorTypes.overloaded }
          : { status: overloadedStatus(driver), type: driver.errorTypes.overloaded },
      );
      expect(error.message).toContain('insufficient_system_resource');
      const record = await gateway.nextRecord();
      expect(record).toMatchObject({ status: stream ? 200 : overloadedStatus(driver), stream });
      expect(record.errorMessage).toContain('insufficient_system_resource');
    });
  });
});
