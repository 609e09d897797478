import type { Response, ResponseInput } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAzureOpenAI } from '../fakes/fake-azure-openai.js';
import { FakeBedrock } from '../fakes/fake-bedrock.js';
import { FakeGemini } from '../fakes/fake-gemini.js';
import type { RecordedRequest } from '../fakes/fake-server.js';
import { FakeVertex } from '../fakes/fake-vertex.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';

/**
 * The Responses dialect (the openai SDK's responses.parse / responses.stream) on the clouds, where the dialect
 * matrix does not reach: structured output (`text.format: json_schema`) on Azure, Gemini, Vertex and Bedrock,
 * and a function-tool loop with Gemini and Claude on Vertex.
 */

const SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, celsius: { type: 'number' } },
  required: ['city', 'celsius'],
  additionalProperties: false,
};
const ANSWER = { city: 'Paris', celsius: 21 };
const FORMAT = { type: 'json_schema', name: 'weather', schema: SCHEMA, strict: true } as const;
const KEYS = { accessKeyId: 'AKIARESPONSESCLOUD01', secretAccessKey: 'responses-cloud-secret-0123456789' };

function body(request: RecordedRequest | undefined): Record<string, unknown> {
  return request?.body as Record<string, unknown>;
}

describe('Responses clients on the clouds', () => {
  let azure: FakeAzureOpenAI;
  let gemini: FakeGemini;
  let vertex: FakeVertex;
  let bedrock: FakeBedrock;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    azure = await FakeAzureOpenAI.start({ apiKey: 'azure-responses-key-0123' });
    gemini = await FakeGemini.start();
    vertex = await FakeVertex.start();
    bedrock = await FakeBedrock.start({ keys: [KEYS] });
    gateway = await GatewayHarness.start({
      config: {
        providers: [
          fakeProvider('az', azure.endpoint, azure.apiKey, 'azure-openai'),
          fakeProvider('gem', gemini.baseUrl, gemini.apiKey, 'gemini'),
          vertex.providerEntry('vx'),
          {
            name: 'bed',
            type: 'bedrock',
            base_url: bedrock.endpoint,
            allow_private_network: true,
            aws: { region: 'us-east-1', access_key_id: KEYS.accessKeyId, secret_access_key: KEYS.secretAccessKey },
          },
        ],
        models: [
          { name: 'az', targets: [{ provider: 'az', model: 'gpt4o-deployment' }] },
          { name: 'gem', targets: [{ provider: 'gem', model: 'gemini-2.5-flash' }] },
          { name: 'vx-gemini', targets: [{ provider: 'vx', model: 'gemini-2.5-pro' }] },
          { name: 'vx-claude', targets: [{ provider: 'vx', model: 'claude-sonnet-4-5@20250929' }] },
          { name: 'bed', targets: [{ provider: 'bed', model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' }] },
        ],
        routing: { retries: { max_attempts: 1 } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([azure.close(), gemini.close(), vertex.close(), bedrock.close()]);
  });

  /** Queues a JSON answer on the fake behind `model` and returns what that fake received for it, afterwards. */
  function answerJson(model: string): () => Record<string, unknown> {
    const text = JSON.stringify(ANSWER);
    if (model === 'az') {
      azure.enqueue({ kind: 'reply', text });
      return () => body(azure.requests.at(-1));
    }
    if (model === 'gem') {
      gemini.enqueue({ kind: 'reply', text });
      return () => body(gemini.chatRequests().at(-1));
    }
    if (model === 'vx-gemini') {
      vertex.gemini.enqueue({ kind: 'reply', text });
      return () => body(vertex.chatRequests('google').at(-1));
    }
    vertex.anthropic.enqueue({ kind: 'reply', text });
    return () => body(vertex.chatRequests('anthropic').at(-1));
  }

  /** How each upstream was asked for the schema, in its own wire format. */
  const SCHEMA_SENT: Record<string, (sent: Record<string, unknown>) => void> = {
    az: (sent) =>
      expect(sent.response_format).toEqual({
        type: 'json_schema',
        json_schema: { name: 'weather', schema: SCHEMA, strict: true },
      }),
    gem: (sent) =>
      expect(sent.generationConfig).toMatchObject({ responseMimeType: 'application/json', responseJsonSchema: SCHEMA }),
    'vx-gemini': (sent) =>
      expect(sent.generationConfig).toMatchObject({ responseMimeType: 'application/json', responseJsonSchema: SCHEMA }),
    'vx-claude': (sent) => expect(sent.output_config).toEqual({ format: { type: 'json_schema', schema: SCHEMA } }),
  };

  for (const model of ['az', 'gem', 'vx-gemini', 'vx-claude']) {
    it(`${model}: text.format json_schema reaches the upstream as its schema and parses, not streamed`, async () => {
      const sent = answerJson(model);
      const response = await gateway.openai().responses.parse({
        model,
        input: 'Weather in Paris as JSON',
        text: { format: FORMAT },
      });
      expect(response.output_parsed).toEqual(ANSWER);
      SCHEMA_SENT[model]?.(sent());
      const [record] = await gateway.records(1);
      expect(record).toMatchObject({ status: 200, entryPoint: 'responses', errorMessage: null });
    });

    it(`${model}: text.format json_schema reaches the upstream as its schema and parses, streamed`, async () => {
      const sent = answerJson(model);
      const stream = gateway.openai().responses.stream({
        model,
        input: 'Weather in Paris as JSON',
        text: { format: FORMAT },
      });
      // The stream helper parses only a zod text format (plain json_schema gets output_parsed null), so read the text.
      const final = await stream.finalResponse();
      expect(JSON.parse(final.output_text)).toEqual(ANSWER);
      SCHEMA_SENT[model]?.(sent());
    });
  }

  it('bed: text.format json_schema is refused with a 400 naming it, before Bedrock is asked', async () => {
    const before = bedrock.chatRequests().length;
    const error = await gateway
      .openai()
      .responses.create({ model: 'bed', input: 'Weather in Paris as JSON', text: { format: FORMAT } })
      .catch((e: unknown) => e as { status?: number; error?: { type?: string; param?: string }; message: string });
    expect(error).toMatchObject({ status: 400, error: { type: 'invalid_request_error' } });
    expect(`${(error as { error?: { param?: string } }).error?.param} ${(error as Error).message}`).toContain(
      'text.format',
    );
    expect(bedrock.chatRequests().length).toBe(before);
    const [record] = await gateway.records(1);
    expect(record).toMatchObject({ status: 400, entryPoint: 'responses' });
  });

  const TOOL = {
    type: 'function',
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    },
    strict: true,
  } as const;

  /** One Responses turn, streamed or not, as the application sees it. */
  async function turn(model: string, input: unknown[], stream: boolean): Promise<Response> {
    const params = { model, input: input as ResponseInput, tools: [TOOL], store: false };
    if (!stream) return gateway.openai().responses.create(params);
    return gateway.openai().responses.stream(params).finalResponse();
  }

  for (const stream of [false, true]) {
    const mode = stream ? 'streamed' : 'not streamed';

    it(`vx-gemini: a function-tool loop, the call's thought signature sent back (${mode})`, async () => {
      vertex.gemini.enqueue(
        { kind: 'reply', toolCalls: [{ name: 'get_weather', args: { city: 'Paris' }, signature: 'sig-vertex-1' }] },
        { kind: 'reply', text: 'It is 18C in Paris.' },
      );
      const ask = [{ role: 'user', content: 'Weather in Paris?' }];
      const first = await turn('vx-gemini', ask, stream);
      const call = first.output.find((item) => item.type === 'function_call');
      expect(call).toMatchObject({ name: 'get_weather', arguments: JSON.stringify({ city: 'Paris' }) });
      const second = await turn(
        'vx-gemini',
        [
          ...ask,
          ...first.output,
          { type: 'function_call_output', call_id: call?.type === 'function_call' ? call.call_id : '', output: '18C' },
        ],
        stream,
      );
      expect(second.output_text).toBe('It is 18C in Paris.');
      const sent = body(vertex.chatRequests('google').at(-1)) as {
        contents: Array<{ parts: Array<Record<string, unknown>> }>;
      };
      const parts = sent.contents.flatMap((c) => c.parts);
      expect(parts).toContainEqual(
        expect.objectContaining({
          functionCall: { name: 'get_weather', args: { city: 'Paris' } },
          thoughtSignature: 'sig-vertex-1',
        }),
      );
      expect(parts).toContainEqual({ functionResponse: expect.objectContaining({ name: 'get_weather' }) });
      const [record] = await gateway.records(1);
      expect(record).toMatchObject({ status: 200, entryPoint: 'responses', provider: 'vx', stream });
    });

    it(`vx-claude: a function-tool loop, the tool result sent as Anthropic's tool_result (${mode})`, async () => {
      vertex.anthropic.enqueue(
        {
          kind: 'reply',
          content: [{ type: 'tool_use', id: 'toolu_vx1', name: 'get_weather', input: { city: 'Paris' } }],
        },
        { kind: 'reply', text: 'It is 18C in Paris.' },
      );
      const ask = [{ role: 'user', content: 'Weather in Paris?' }];
      const first = await turn('vx-claude', ask, stream);
      const call = first.output.find((item) => item.type === 'function_call');
      expect(call).toMatchObject({ name: 'get_weather', call_id: 'toolu_vx1' });
      const second = await turn(
        'vx-claude',
        [...ask, ...first.output, { type: 'function_call_output', call_id: 'toolu_vx1', output: '18C' }],
        stream,
      );
      expect(second.output_text).toBe('It is 18C in Paris.');
      const request = vertex.chatRequests('anthropic').at(-1);
      expect(request?.path).toMatch(
        stream ? /claude-sonnet-4-5@20250929:streamRawPredict$/ : /claude-sonnet-4-5@20250929:rawPredict$/,
      );
      const sent = body(request) as { messages: Array<{ content: unknown }>; anthropic_version?: string };
      expect(sent.anthropic_version).toBe('vertex-2023-10-16');
      expect(JSON.stringify(sent.messages)).toContain('"tool_use_id":"toolu_vx1"');
    });

    it(`vx-gemini and vx-claude: an input image reaches Vertex in each publisher's shape (${mode})`, async () => {
      const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
      const input = [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is this?' },
            { type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'auto' },
          ],
        },
      ];
      vertex.gemini.enqueue({ kind: 'reply', text: 'A pixel.' });
      vertex.anthropic.enqueue({ kind: 'reply', text: 'A pixel.' });
      expect((await turn('vx-gemini', input, stream)).output_text).toBe('A pixel.');
      expect((await turn('vx-claude', input, stream)).output_text).toBe('A pixel.');
      expect(JSON.stringify(body(vertex.chatRequests('google').at(-1)))).toContain(
        JSON.stringify({ inlineData: { mimeType: 'image/png', data: PNG } }),
      );
      expect(JSON.stringify(body(vertex.chatRequests('anthropic').at(-1)))).toContain(
        JSON.stringify({ type: 'base64', media_type: 'image/png', data: PNG }),
      );
    });
  }

  // A Responses conversation's items are grouped into messages; a refusal names the client's item and field.
  it('a refusal of a function_call_output or a function_call names that item and its field', async () => {
    const call = { type: 'function_call', call_id: 'call_1', name: 'chart', arguments: '{}' } as const;
    const refusal = (model: string, input: ResponseInput) =>
      gateway
        .openai()
        .responses.create({ model, input })
        .catch((error: unknown) => error as { status: number; param: string });
    const unsized = await refusal('vx-gemini', [
      { role: 'user', content: 'Draw it' },
      call,
      {
        type: 'function_call_output',
        call_id: 'call_1',
        output: [{ type: 'input_image', image_url: 'https://example.com/chart', detail: 'auto' }],
      },
    ]);
    expect(unsized).toMatchObject({ status: 400, param: 'input[2].output[0]' });
    const notObject = await refusal('gem', [
      { role: 'user', content: 'Draw it' },
      { role: 'assistant', content: 'Calling.' },
      { ...call, arguments: '[1, 2]' },
      { type: 'function_call_output', call_id: 'call_1', output: 'done' },
    ]);
    expect(notObject).toMatchObject({ status: 400, param: 'input[2].arguments' });
  });
});
