import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicStreamEvents } from '../support/anthropic-stream.js';
import { GatewayHarness } from '../support/gateway-harness.js';

type Script = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * An upstream that answers each API request with the next script (raw bytes, as a broken service sends them), and
 * any `/token` request with a Google access token, so Vertex's service-account exchange works against it.
 */
async function scriptedUpstream(): Promise<{ server: Server; origin: string; next: Script[]; paths: string[] }> {
  const next: Script[] = [];
  const paths: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/token') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: 'ya29.scripted', expires_in: 3600, token_type: 'Bearer' }));
        return;
      }
      paths.push(req.url ?? '');
      (next.shift() ?? ((_, r: ServerResponse) => r.writeHead(500).end()))(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, next, paths };
}

function sse(res: ServerResponse, events: readonly object[], tail = ''): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const event of events) res.write(`data: ${JSON.stringify(event)}\n\n`);
  if (tail) res.write(tail);
}

function json(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const chunk = (delta: object, finish: string | null = null) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
/** A Response the model failed on, as Azure's (and OpenAI's) Responses API reports it: status and error. */
const FAILED_RESPONSE = {
  id: 'resp_1',
  object: 'response',
  created_at: 1,
  status: 'failed',
  model: 'gpt5',
  output: [],
  error: { code: 'server_error', message: 'The model failed to generate a response.' },
  incomplete_details: null,
  usage: null,
};
const GEMINI_PARTIAL = { candidates: [{ content: { role: 'model', parts: [{ text: 'partial' }] }, index: 0 }] };
const CLAUDE_START = [
  {
    type: 'message_start',
    message: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 1 },
    },
  },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'partial' } },
];
const AZURE_FILTER_ERROR = {
  error: {
    message:
      "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
    type: null,
    param: 'prompt',
    code: 'content_filter',
    status: 400,
    innererror: {
      code: 'ResponsibleAIPolicyViolation',
      content_filter_result: {
        hate: { filtered: false, severity: 'safe' },
        self_harm: { filtered: false, severity: 'safe' },
        sexual: { filtered: false, severity: 'safe' },
        violence: { filtered: true, severity: 'high' },
      },
    },
  },
};

const MODELS = ['az', 'az-v1', 'vx-gemini', 'vx-claude'] as const;
type Model = (typeof MODELS)[number];

/** What a healthy first part of a stream looks like for each route, before the script breaks it. */
function streamStart(model: Model): Script {
  return (_, res) => {
    if (model === 'vx-gemini') sse(res, [GEMINI_PARTIAL]);
    else if (model === 'vx-claude')
      sse(res, [], CLAUDE_START.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(''));
    else sse(res, [chunk({ role: 'assistant', content: '' }), chunk({ content: 'partial' })]);
  };
}

/**
 * Azure OpenAI (deployments with api-version, and the /openai/v1 surface) and Vertex (Gemini and Claude) upstreams
 * that misbehave, through the official SDKs: each ends in the client dialect's error shape with the right status,
 * never a hang, and its request record says what happened.
 */
describe('broken Azure OpenAI and Vertex upstreams, as the official clients see them', () => {
  let upstream: Awaited<ReturnType<typeof scriptedUpstream>>;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    upstream = await scriptedUpstream();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const account = {
      type: 'service_account',
      client_email: 'sa@proj.iam.gserviceaccount.com',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      private_key_id: 'k1',
      token_uri: `${upstream.origin}/token`,
    };
    gateway = await GatewayHarness.start({
      config: {
        providers: [
          {
            name: 'az',
            type: 'azure-openai',
            base_url: upstream.origin,
            api_key: 'az-key-0123',
            allow_private_network: true,
          },
          {
            name: 'az-v1',
            type: 'azure-openai',
            base_url: `${upstream.origin}/openai/v1`,
            api_key: 'az-key-0123',
            allow_private_network: true,
          },
          {
            name: 'az-resp',
            type: 'azure-openai',
            base_url: `${upstream.origin}/openai/v1`,
            api_key: 'az-key-0123',
            allow_private_network: true,
            responses_api: true,
          },
          {
            name: 'vx',
            type: 'vertex',
            base_url: upstream.origin,
            allow_private_network: true,
            vertex: { project: 'proj', location: 'us-east5', service_account_json: JSON.stringify(account) },
          },
        ],
        models: [
          { name: 'az', targets: [{ provider: 'az', model: 'gpt4o-deploy' }] },
          { name: 'az-v1', targets: [{ provider: 'az-v1', model: 'gpt4o-deploy' }] },
          { name: 'az-resp', targets: [{ provider: 'az-resp', model: 'gpt5-deploy' }] },
          { name: 'vx-gemini', targets: [{ provider: 'vx', model: 'gemini-2.5-pro' }] },
          { name: 'vx-claude', targets: [{ provider: 'vx', model: 'claude-sonnet-4-5@20250929' }] },
        ],
        routing: { retries: { max_attempts: 1 }, timeout: { first_byte_ms: 1_000, idle_stream_ms: 1_000 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    upstream.server.closeAllConnections();
    await new Promise((resolve) => upstream.server.close(resolve));
  });

  const anthropicStream = (model: string) => anthropicStreamEvents(gateway.anthropic(), model);

  async function openaiStream(model: string) {
    const texts: string[] = [];
    try {
      const stream = await gateway
        .openai()
        .chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] });
      for await (const c of stream) texts.push(c.choices[0]?.delta.content ?? '');
      return { texts, error: undefined };
    } catch (error) {
      return { texts, error: error as Error & { status?: number; error?: unknown } };
    }
  }

  async function anthropicCall(model: string) {
    try {
      return {
        message: await gateway
          .anthropic()
          .messages.create({ model, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
      };
    } catch (error) {
      return { error: error as Error & { status?: number; error?: unknown; headers?: Headers } };
    }
  }

  async function openaiCall(model: string) {
    try {
      return {
        answer: await gateway.openai().chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }),
      };
    } catch (error) {
      return { error: error as Error & { status?: number; error?: unknown; headers?: Headers } };
    }
  }

  for (const model of MODELS) {
    it(`${model}: a connection reset mid-stream ends the Anthropic client's stream with an error event`, async () => {
      upstream.next.push((req, res) => {
        streamStart(model)(req, res);
        setTimeout(() => res.socket?.destroy(), 20);
      });
      const { events, error } = await anthropicStream(model);
      expect(events).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
      expect(error?.message).toMatch(/connection reset|terminated|ended/);
      const [record] = await gateway.records(1);
      expect(record).toMatchObject({ status: 200, stream: true, errorCode: 'GW_ERR_UPSTREAM_STREAM' });
    });

    it(`${model}: a stream cut without its final event ends the OpenAI client's stream with an error`, async () => {
      upstream.next.push((req, res) => {
        streamStart(model)(req, res);
        res.end();
      });
      const { texts, error } = await openaiStream(model);
      expect(texts.join('')).toBe('partial');
      expect(error, 'a cut stream must not read as a complete answer').toBeDefined();
      const [record] = await gateway.records(1);
      expect(record).toMatchObject({ status: 200, stream: true, errorCode: 'GW_ERR_UPSTREAM_STREAM' });
    });

    it(`${model}: an HTML 404 (wrong deployment or region) reads as words for both clients`, async () => {
      for (let i = 0; i < 2; i++)
        upstream.next.push((_, res) => {
          res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
          res.end('<!DOCTYPE html><html><body><h1>404 - Resource not found</h1></body></html>');
        });
      const openai = await openaiCall(model);
      const anthropic = await anthropicCall(model);
      const said =
        "the upstream answered 404 with a text/html body, not an API error (check the provider's base_url, region and the model id): 404 - Resource not found";
      for (const error of [openai.error, anthropic.error]) {
        expect(error?.status).toBe(404);
        expect(error?.message).toContain(said);
      }
      expect(openai.error?.error).toMatchObject({ type: 'invalid_request_error', message: said });
      expect(anthropic.error?.error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
      const records = (await gateway.records(2)).slice(0, 2);
      for (const record of records) expect(record).toMatchObject({ status: 404, errorMessage: said });
    });
  }

  for (const model of ['az', 'az-v1', 'vx-gemini'] as const) {
    it(`${model}: an upstream 500 after the stream started ends it with the client's error event`, async () => {
      upstream.next.push((req, res) => {
        streamStart(model)(req, res);
        const error =
          model === 'vx-gemini'
            ? { error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } }
            : {
                error: {
                  message: 'The server had an error while processing your request.',
                  type: 'server_error',
                  code: 'internal_error',
                },
              };
        res.end(`data: ${JSON.stringify(error)}\n\n`);
      });
      const { events, error } = await anthropicStream(model);
      expect(events).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
      expect(error?.message).toMatch(/Internal error encountered|server had an error/);
      const [record] = await gateway.records(1);
      expect(record).toMatchObject({ status: 200, stream: true, errorCode: 'GW_ERR_UPSTREAM_STREAM' });
    });
  }

  it("az: Azure's 400 content_filter reaches an OpenAI client as it came and an Anthropic client as invalid_request_error", async () => {
    for (let i = 0; i < 2; i++) upstream.next.push((_, res) => json(res, 400, AZURE_FILTER_ERROR));
    const openai = await openaiCall('az');
    expect(openai.error?.status).toBe(400);
    // Passed through unchanged: the content_filter_result is there for an application that reads it.
    expect(openai.error?.error).toMatchObject({
      code: 'content_filter',
      innererror: { content_filter_result: { violence: { filtered: true } } },
    });
    const anthropic = await anthropicCall('az');
    expect(anthropic.error?.status).toBe(400);
    expect(anthropic.error?.error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringContaining('content management policy') },
    });
    const records = (await gateway.records(2)).slice(0, 2);
    for (const record of records) expect(record).toMatchObject({ status: 400 });
  });

  it('az-v1: a stream stopped by the content filter is a refusal for Anthropic and content_filter for OpenAI', async () => {
    const filtered: Script = (_, res) => {
      sse(res, [chunk({ role: 'assistant', content: 'I' }), chunk({}, 'content_filter')], 'data: [DONE]\n\n');
      res.end();
    };
    upstream.next.push(filtered, filtered);
    const stream = gateway
      .anthropic()
      .messages.stream({ model: 'az-v1', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect((await stream.finalMessage()).stop_reason).toBe('refusal');
    const { texts, error } = await openaiStream('az-v1');
    expect(error).toBeUndefined();
    expect(texts.join('')).toBe('I');
    const records = (await gateway.records(2)).slice(0, 2);
    for (const record of records) expect(record).toMatchObject({ status: 200, errorCode: null });
  });

  it('az: a 429 with retry-after-ms and x-ratelimit-reset headers is a 429 rate-limit error for both clients', async () => {
    const throttled: Script = (_, res) =>
      json(
        res,
        429,
        {
          error: {
            code: '429',
            message:
              'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 6 seconds.',
          },
        },
        {
          'retry-after-ms': '6000',
          'retry-after': '6',
          'x-ratelimit-reset-requests': '6s',
          'x-ratelimit-remaining-requests': '0',
        },
      );
    upstream.next.push(throttled, throttled);
    const openai = await openaiCall('az');
    const anthropic = await anthropicCall('az');
    expect(openai.error?.status).toBe(429);
    expect(openai.error?.message).toContain('exceeded token rate limit');
    expect(anthropic.error?.status).toBe(429);
    expect(anthropic.error?.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    for (const error of [openai.error, anthropic.error]) expect(error?.headers?.get('retry-after')).toBe('6');
    const records = (await gateway.records(2)).slice(0, 2);
    for (const record of records) {
      expect(record).toMatchObject({ status: 429 });
      expect(record.attempts[0]?.errorClass).toBe('rate_limit');
    }
  });

  for (const model of ['vx-gemini', 'vx-claude'] as const) {
    it(`${model}: Vertex's 429 RESOURCE_EXHAUSTED is a 429 rate-limit error for both clients`, async () => {
      const exhausted: Script = (_, res) =>
        json(res, 429, {
          error: { code: 429, message: 'Resource exhausted. Please try again later.', status: 'RESOURCE_EXHAUSTED' },
        });
      upstream.next.push(exhausted, exhausted);
      const openai = await openaiCall(model);
      const anthropic = await anthropicCall(model);
      expect(openai.error?.status).toBe(429);
      expect(openai.error?.message).toContain('Resource exhausted');
      expect(anthropic.error?.status).toBe(429);
      expect(anthropic.error?.error).toMatchObject({
        type: 'error',
        error: { type: 'rate_limit_error', message: expect.stringContaining('Resource exhausted') },
      });
      const records = (await gateway.records(2)).slice(0, 2);
      for (const record of records) {
        expect(record).toMatchObject({ status: 429 });
        expect(record.attempts[0]?.errorClass).toBe('rate_limit');
      }
    });
  }

  async function responsesCall(model: string, stream = false) {
    try {
      if (stream) return { response: await gateway.openai().responses.stream({ model, input: 'hi' }).finalResponse() };
      return { response: await gateway.openai().responses.create({ model, input: 'hi' }) };
    } catch (error) {
      return { error: error as Error & { status?: number; error?: unknown; headers?: Headers } };
    }
  }

  const FILTERED_COMPLETION = {
    id: 'chatcmpl-f',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: null },
        finish_reason: 'content_filter',
        content_filter_results: { violence: { filtered: true, severity: 'high' } },
      },
    ],
    usage: { prompt_tokens: 5, completion_tokens: 0, total_tokens: 5 },
  };

  it("az: Azure's content filter, as a Responses client sees it: the 400 and a filtered completion, streamed and not", async () => {
    upstream.next.push((_, res) => json(res, 400, AZURE_FILTER_ERROR));
    const refused = await responsesCall('az');
    expect(refused.error?.status).toBe(400);
    expect(refused.error?.error).toMatchObject({ type: 'invalid_request_error', code: 'content_filter' });
    expect(refused.error?.message).toContain('content management policy');

    upstream.next.push((_, res) => json(res, 200, FILTERED_COMPLETION));
    const filtered = await responsesCall('az');
    expect(filtered.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'content_filter' } });

    upstream.next.push((_, res) => {
      sse(res, [chunk({ role: 'assistant', content: 'I' }), chunk({}, 'content_filter')], 'data: [DONE]\n\n');
      res.end();
    });
    const streamed = await responsesCall('az', true);
    expect(streamed.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'content_filter' } });

    const [stream, whole, rejected] = (await gateway.records(3)).slice(0, 3);
    expect(rejected).toMatchObject({ status: 400, entryPoint: 'responses', errorCode: 'GW_ERR_UPSTREAM_REJECTED' });
    expect(rejected?.errorMessage).toContain('content management policy');
    for (const record of [whole, stream]) expect(record).toMatchObject({ status: 200, errorCode: null });
  });

  it('az: a filtered completion (not streamed) is an Anthropic refusal', async () => {
    upstream.next.push((_, res) => json(res, 200, FILTERED_COMPLETION));
    const { message } = await anthropicCall('az');
    expect(message).toMatchObject({ stop_reason: 'refusal', content: [] });
  });

  it('az-v1: a 429 with retry-after-ms reaches a Responses client as a 429 rate_limit_error with retry-after', async () => {
    upstream.next.push((_, res) =>
      json(
        res,
        429,
        { error: { code: '429', message: 'Rate limit is exceeded. Try again in 6 seconds.' } },
        { 'retry-after-ms': '6000', 'retry-after': '6', 'x-ratelimit-reset-tokens': '6s' },
      ),
    );
    const { error } = await responsesCall('az-v1');
    expect(error?.status).toBe(429);
    expect(error?.error).toMatchObject({ type: 'rate_limit_error' });
    expect(error?.headers?.get('retry-after')).toBe('6');
    const [record] = await gateway.records(1);
    expect(record).toMatchObject({ status: 429, entryPoint: 'responses' });
    expect(record?.attempts[0]?.errorClass).toBe('rate_limit');
  });

  it("vx-claude: an error event after Claude's stream started ends the OpenAI client's stream with an error", async () => {
    upstream.next.push((req, res) => {
      streamStart('vx-claude')(req, res);
      const event = { type: 'error', error: { type: 'api_error', message: 'Internal server error' } };
      res.end(`event: error\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const { texts, error } = await openaiStream('vx-claude');
    expect(texts.join('')).toBe('partial');
    expect(error?.message).toContain('Internal server error');
    const [record] = await gateway.records(1);
    expect(record).toMatchObject({ status: 200, stream: true, errorCode: 'GW_ERR_UPSTREAM_STREAM' });
  });

  /** Azure's own Responses API, the first events of a stream before the script breaks it. */
  function responsesStreamStart(res: ServerResponse): void {
    const item = { id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    const at = { item_id: 'msg_1', output_index: 0, content_index: 0 };
    const events = [
      {
        type: 'response.created',
        response: { id: 'resp_1', object: 'response', created_at: 1, status: 'in_progress', model: 'gpt5', output: [] },
      },
      { type: 'response.output_item.added', output_index: 0, item },
      { type: 'response.content_part.added', ...at, part: { type: 'output_text', text: '', annotations: [] } },
      { type: 'response.output_text.delta', ...at, delta: 'partial' },
    ];
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const [n, e] of events.entries())
      res.write(`event: ${e.type}\ndata: ${JSON.stringify({ ...e, sequence_number: n })}\n\n`);
  }

  async function passedThroughResponsesStream() {
    const types: string[] = [];
    try {
      const stream = await gateway
        .openai()
        .responses.create({ model: 'az-resp', input: 'hi', store: false, stream: true });
      for await (const event of stream) types.push(event.type);
      return { types, error: undefined };
    } catch (error) {
      return { types, error: error as Error };
    }
  }

  for (const [how, end] of [
    ['cut without response.completed', (res: ServerResponse) => res.end()],
    ['reset', (res: ServerResponse) => setTimeout(() => res.socket?.destroy(), 20)],
  ] as const) {
    it(`az-resp: Azure's own Responses stream ${how} ends the passed-through stream with an error event`, async () => {
      upstream.next.push((_, res) => {
        responsesStreamStart(res);
        end(res);
      });
      const { types, error } = await passedThroughResponsesStream();
      expect(types).toEqual([
        'response.created',
        'response.output_item.added',
        'response.content_part.added',
        'response.output_text.delta',
      ]);
      // The SDK raises the gateway's error event (its nested `error`), as on a translated stream, rather than
      // ending the stream like a whole one.
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect(error?.message).toMatch(/ended without response.completed|connection reset/);
      const [record] = await gateway.records(1);
      expect(record).toMatchObject({
        status: 200,
        stream: true,
        entryPoint: 'responses',
        errorCode: 'GW_ERR_UPSTREAM_STREAM',
      });
      expect(record?.errorMessage).toMatch(/ended without response.completed|connection reset/);
    });
  }

  it("az-resp: Azure's error event mid-stream ends the passed-through stream there, recorded as the upstream's failure", async () => {
    // Azure reports a failure inside the Responses stream with an `error` event, its last; the upstream may hold
    // its connection open a while longer. The client must get that one error event, and the stream end there.
    let closed = false;
    upstream.next.push((_, res) => {
      responsesStreamStart(res);
      res.write(
        `event: error\ndata: ${JSON.stringify({ type: 'error', code: 'server_error', message: 'The model had an internal error.', param: null, sequence_number: 4 })}\n\n`,
      );
      const hold = setTimeout(() => res.end(), 5_000);
      res.on('close', () => {
        closed = true;
        clearTimeout(hold);
      });
    });
    const started = Date.now();
    const events: { type: string; message?: string }[] = [];
    const stream = await gateway
      .openai()
      .responses.create({ model: 'az-resp', input: 'hi', store: false, stream: true });
    for await (const event of stream) events.push(event as { type: string });
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'error',
    ]);
    expect(events.at(-1)?.message).toBe('The model had an internal error.');
    const [record] = await gateway.records(1);
    // Recorded when the client read the error, not when the upstream closed; the upstream's own failure, not
    // a client that hung up (499) nor a stream "ended without response.completed".
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(closed).toBe(true);
    expect(record).toMatchObject({
      status: 200,
      stream: true,
      entryPoint: 'responses',
      errorCode: 'GW_ERR_UPSTREAM_STREAM',
      errorMessage: expect.stringContaining('The model had an internal error.'),
      attempts: [expect.objectContaining({ status: 200, errorClass: 'stream_error' })],
    });
  });

  /** Azure's Responses stream ending in response.failed, its Response object with `fields`. */
  function endsInResponseFailed(fields: Record<string, unknown>): void {
    upstream.next.push((_, res) => {
      responsesStreamStart(res);
      const response = { id: 'resp_1', object: 'response', created_at: 1, status: 'failed', model: 'gpt5', ...fields };
      res.end(
        `event: response.failed\ndata: ${JSON.stringify({ type: 'response.failed', response, sequence_number: 4 })}\n\n`,
      );
    });
  }

  it('az-resp: a passed-through stream that ends in response.failed is recorded as the failure Azure reported', async () => {
    endsInResponseFailed({
      output: [],
      error: { code: 'server_error', message: 'The model failed to generate a response.' },
    });
    const events: { type: string }[] = [];
    const stream = await gateway
      .openai()
      .responses.create({ model: 'az-resp', input: 'hi', store: false, stream: true });
    for await (const event of stream) events.push(event);
    // The client reads Azure's own final event, as it came.
    expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed' } });
    const [record] = await gateway.records(1);
    expect(record).toMatchObject({
      status: 200,
      errorCode: 'GW_ERR_UPSTREAM_STREAM',
      errorMessage: expect.stringContaining('The model failed to generate a response.'),
    });
  });

  it('az-resp: a response.failed without an error message records no part of the response (bodies are not recorded)', async () => {
    endsInResponseFailed({
      error: null,
      instructions: 'SYSTEM-PROMPT-TEXT',
      output: [
        { type: 'message', id: 'msg_1', role: 'assistant', content: [{ type: 'output_text', text: 'partial' }] },
      ],
    });
    const stream = await gateway
      .openai()
      .responses.create({ model: 'az-resp', input: 'hi', store: false, stream: true });
    for await (const _ of stream);
    const [record] = await gateway.records(1);
    expect(record).toMatchObject({ status: 200, errorCode: 'GW_ERR_UPSTREAM_STREAM' });
    expect(record?.errorMessage).not.toMatch(/SYSTEM-PROMPT-TEXT|partial/);
    expect(record?.errorMessage).toMatch(
      /^upstream stream error: response\.failed without an error \(cut after [1-9]\d* bytes of the response\)$/,
    );
  });

  it('az-resp: a whole answer with status failed is a failed attempt: the error in the client’s shape, recorded as such', async () => {
    // Azure's Responses API answers a request the model failed on with 200 and the Response object, its status
    // `failed` and its `error` (code and message), as OpenAI's does.
    upstream.next.push((_, res) => json(res, 200, FAILED_RESPONSE));
    const error = await gateway
      .openai(undefined, { maxRetries: 0 })
      .responses.create({ model: 'az-resp', input: 'hi', store: false })
      .then(() => new Error('answered'))
      .catch((e: unknown) => e as Error & { status?: number; error?: unknown });
    expect(error).toMatchObject({ status: 502, error: { type: 'server_error' } });
    expect(error.message).toContain('The model failed to generate a response.');
    const [record] = await gateway.records(1);
    expect(record).toMatchObject({
      status: 502,
      entryPoint: 'responses',
      errorMessage: expect.stringContaining('The model failed to generate a response.'),
      attempts: [expect.objectContaining({ errorClass: 'server_error' })],
    });
  });

  it('az-resp: an HTML 404 from Azure’s Responses API reaches the passed-through Responses client in words', async () => {
    upstream.next.push((_, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body><h1>404 - Resource not found</h1></body></html>');
    });
    const error = await gateway
      .openai()
      .responses.create({ model: 'az-resp', input: 'hi', store: false })
      .then(() => new Error('answered'))
      .catch((e: unknown) => e as Error & { status?: number; error?: unknown });
    expect(error).toMatchObject({ status: 404, error: { type: 'invalid_request_error' } });
    expect(error.message).toContain('the upstream answered 404 with a text/html body, not an API error');
    expect(upstream.paths.at(-1)).toBe('/openai/v1/responses');
    const [record] = await gateway.records(1);
    expect(record).toMatchObject({ status: 404, entryPoint: 'responses' });
  });
});
