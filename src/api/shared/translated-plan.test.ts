import { describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../../config/schema.js';
import { GatewayError } from '../../errors/gateway-error.js';
import type { UpstreamDialect } from '../../providers/provider-descriptor.js';
import type { ProviderRuntime } from '../../providers/provider-runtime.js';
import { providerDescriptor } from '../../providers/registry.js';
import type { RouteTarget } from '../../routing/route-table.js';
import { anthropicClientCodec } from '../../translate/anthropic/codec.js';
import type { ClientCodec } from '../../translate/contract.js';
import { openaiChatClientCodec } from '../../translate/openai-chat/codec.js';
import { responsesClientCodec } from '../../translate/responses/codec.js';
import { LARGE_BODY_BYTES, parseLargeBody, withFields } from './large-body.js';
import type { ClientCodecName } from './large-body-protocol.js';
import { parseJsonObject } from './read-body.js';
import { TranslatableRequest, translatedPlan } from './translated-plan.js';
import type { UpstreamPlan } from './upstream-plan.js';

/** A provider as translatedPlan reads it: its type's descriptor and config, an origin and its paths. */
function target(type: ProviderConfig['type'], dialect: UpstreamDialect, model = 'up-model'): RouteTarget {
  const config = { type, name: `p-${type}`, vertex: { anthropic_version: 'vertex-test' } } as unknown as ProviderConfig;
  const provider = {
    name: config.name,
    config,
    descriptor: providerDescriptor(type),
    origin: 'http://127.0.0.1:1',
    streamFraming: 'sse',
    chatPath: (m: string, stream: boolean) => `/chat/${m}/${stream}`,
  } as unknown as ProviderRuntime;
  return { id: `${config.name}/${model}`, provider, model, weight: 1, dialect };
}

/** Enough short messages that the body goes to the worker and `messages` (or `input`) stays unparsed here. */
function padded(body: Record<string, unknown>, field: 'messages' | 'input'): Buffer {
  const count = Math.ceil(LARGE_BODY_BYTES / 40);
  const items = Array.from({ length: count }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `m${i}` }));
  return Buffer.from(JSON.stringify({ ...body, [field]: [...items, { role: 'user', content: 'last' }] }));
}

async function bothWays(
  client: ClientCodec,
  codecName: ClientCodecName,
  raw: Buffer,
  to: RouteTarget,
  options: { strict?: boolean; dropped?: string[]; fields?: Record<string, unknown> } = {},
) {
  const strict = () => options.strict === true;
  const parsed = parseJsonObject(Buffer.from(raw));
  const here = new TranslatableRequest(client, options.fields ? withFields(parsed, options.fields) : parsed, {
    strict,
    dropped: options.dropped,
  });
  const { body: lazy } = await parseLargeBody({ chunks: [Buffer.from(raw)], size: raw.length });
  const worker = new TranslatableRequest(client, options.fields ? withFields(lazy, options.fields) : lazy, {
    strict,
    dropped: options.dropped,
    codecName,
  });
  expect(here.offThread).toBe(false);
  expect(worker.offThread).toBe(true);
  const settle = async (make: () => UpstreamPlan | Promise<UpstreamPlan>) => {
    try {
      return await make();
    } catch (error) {
      return error as GatewayError;
    }
  };
  return { here: await settle(() => translatedPlan(here, to)), worker: await settle(() => translatedPlan(worker, to)) };
}

function expectSamePlan(here: UpstreamPlan | GatewayError, worker: UpstreamPlan | GatewayError): void {
  expect(here).not.toBeInstanceOf(Error);
  expect(worker).not.toBeInstanceOf(Error);
  const [a, b] = [here as UpstreamPlan, worker as UpstreamPlan];
  expect(Buffer.isBuffer(b.body)).toBe(true);
  expect(Buffer.from(a.body).equals(Buffer.from(b.body))).toBe(true);
  expect([b.path, b.readAhead]).toEqual([a.path, a.readAhead]);
}

describe('translatedPlan of a large body (on the worker thread)', () => {
  const chat = {
    model: 'gw-model',
    stream: true,
    temperature: 0.3,
    max_tokens: 99,
    stop: ['x', 'y'],
    metadata: { a: 'b' },
    service_tier: 'auto',
    user: 'u-1',
    tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }],
  };

  it('sends the same upstream bytes as translating on the main thread, for every upstream dialect', async () => {
    const raw = padded(chat, 'messages');
    const targets = [
      target('anthropic', 'anthropic-messages'),
      target('gemini', 'gemini'),
      target('bedrock', 'bedrock-converse'),
      target('vertex', 'anthropic-messages'), // reshaped by the Vertex descriptor
    ];
    for (const to of targets) {
      const { here, worker } = await bothWays(openaiChatClientCodec, 'openai-chat', raw, to);
      expectSamePlan(here, worker);
    }
    const anthropic = padded({ model: 'gw', max_tokens: 5, service_tier: 'auto', system: 'be brief' }, 'messages');
    const { here, worker } = await bothWays(
      anthropicClientCodec,
      'anthropic',
      anthropic,
      target('openai', 'openai-chat'),
      {
        dropped: ['anthropic-beta'],
      },
    );
    expectSamePlan(here, worker);
  });

  it('applies fields set over the body (the Responses store echo) on the worker too', async () => {
    const raw = padded({ model: 'gw', store: true, instructions: 'hi', metadata: { k: 'v' } }, 'input');
    const { here, worker } = await bothWays(responsesClientCodec, 'responses', raw, target('openai', 'openai-chat'), {
      fields: { store: false },
    });
    expectSamePlan(here, worker);
  });

  it('reports the same dropped hints, and refuses with the same error and field name', async () => {
    const raw = padded({ model: 'gw', max_tokens: 5, service_tier: 'auto' }, 'messages');
    const { body } = await parseLargeBody({ chunks: [Buffer.from(raw)], size: raw.length });
    const lazy = new TranslatableRequest(anthropicClientCodec, body, { codecName: 'anthropic', dropped: ['h'] });
    const parsed = new TranslatableRequest(anthropicClientCodec, parseJsonObject(Buffer.from(raw)), { dropped: ['h'] });
    parsed.ir();
    expect((await lazy.translateOffThread(undefined)).dropped).toEqual(parsed.dropped);
    expect(parsed.dropped).toContain('service_tier');

    // Refused by the parser in strict mode, and by a builder (an IR field renamed to the client's).
    const strictOnly = padded({ model: 'gw', max_tokens: 5, context_management: {} }, 'messages');
    const jsonObject = padded({ ...chat, response_format: { type: 'json_object' } }, 'messages');
    const cases: Array<[ClientCodec, ClientCodecName, Buffer, RouteTarget, boolean, string | undefined]> = [
      [anthropicClientCodec, 'anthropic', strictOnly, target('openai', 'openai-chat'), true, 'context_management'],
      [
        openaiChatClientCodec,
        'openai-chat',
        jsonObject,
        target('anthropic', 'anthropic-messages'),
        false,
        'response_format',
      ],
      [
        openaiChatClientCodec,
        'openai-chat',
        padded({ ...chat, stop: 7 }, 'messages'),
        target('gemini', 'gemini'),
        false,
        'stop',
      ],
    ];
    for (const [client, name, body, to, strict, param] of cases) {
      const { here, worker } = await bothWays(client, name, body, to, { strict });
      expect(here).toBeInstanceOf(GatewayError);
      expect(worker).toBeInstanceOf(GatewayError);
      const [a, b] = [here as GatewayError, worker as GatewayError];
      expect(a.param).toBe(param);
      expect([b.code, b.status, b.message, b.param]).toEqual([a.code, a.status, a.message, a.param]);
    }
  });
});
