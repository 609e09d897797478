import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_TOKEN } from '../support/gateway-harness.js';
import { DialectGateway, MODELS } from './support/dialect-gateway.js';

/**
 * Hints that a target cannot carry are mapped or dropped, never refused, and the client is told which were
 * dropped (x-gateway-dropped); the telemetry record keeps them. `translation: strict` on a model restores
 * the refusals.
 */

const STRICT = { openai: 'gpt-strict', anthropic: 'claude-strict' };

const claudeCodeHints = {
  max_tokens: 1024,
  messages: [
    { role: 'user' as const, content: 'Hi' },
    { role: 'system', content: 'Environment: /tmp' },
  ],
  thinking: { type: 'adaptive' },
  output_config: { effort: 'medium' },
  context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
};

describe('hints on translated routes', () => {
  let gateway: DialectGateway;

  beforeAll(async () => {
    gateway = await DialectGateway.start([
      { name: STRICT.openai, translation: 'strict', targets: [{ provider: 'oai', model: MODELS.openai.upstream }] },
      {
        name: STRICT.anthropic,
        translation: 'strict',
        targets: [{ provider: 'ant', model: MODELS.anthropic.upstream }],
      },
    ]);
  });
  afterAll(async () => gateway?.close());
  beforeEach(() => gateway.reset());

  it("maps Claude Code's hints for an OpenAI-compatible model and names the ones it dropped", async () => {
    const client = gateway.harness.anthropic();
    const { data, response } = await client.messages
      .create({ model: MODELS.openai.name, ...(claudeCodeHints as any) }, { headers: { 'anthropic-beta': 'x-1' } })
      .withResponse();
    expect(data.type).toBe('message');
    expect(response.headers.get('x-gateway-dropped')).toBe('anthropic-beta, context_management');
    const sent = gateway.openaiUpstream.requests[0]?.body as Record<string, unknown>;
    expect(sent.reasoning_effort).toBe('medium');
    expect(sent.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'system', content: 'Environment: /tmp' },
    ]);
    const record = await gateway.nextRecord();
    expect(record.droppedFields).toEqual(['anthropic-beta', 'context_management']);
  });

  it('refuses the same request for a strict model, naming the first hint, before sending anything', async () => {
    const client = gateway.harness.anthropic();
    const error = await client.messages.create({ model: STRICT.openai, ...(claudeCodeHints as any) }).catch((e) => e);
    expect(error.status).toBe(400);
    expect(error.error?.error?.message).toMatch(/^context_management: /);
    expect(gateway.openaiUpstream.requests).toHaveLength(0);
    const record = await gateway.nextRecord();
    expect(record.status).toBe(400);
  });

  it("drops Codex's client_metadata and hosted web search toward Anthropic and says so", async () => {
    const client = gateway.harness.openai();
    const body = {
      model: MODELS.anthropic.name,
      input: 'Hi',
      tools: [{ type: 'web_search' }],
      client_metadata: { session_id: 's-1' },
      prompt_cache_key: 's-1',
    };
    const { data, response } = await client.responses.create(body as any).withResponse();
    expect(data.status).toBe('completed');
    expect(response.headers.get('x-gateway-dropped')).toBe('client_metadata, prompt_cache_key, tools.web_search');
    const sent = gateway.anthropicUpstream.requests[0]?.body as Record<string, unknown>;
    expect(sent.tools).toBeUndefined();
    // No client limit: the model's known maximum output (claude-sonnet-4-6: 64000), not 4096.
    expect(sent.max_tokens).toBe(64_000);
    await gateway.nextRecord();
  });

  it('reports the tool_choice that forced a dropped web search (Anthropic client, OpenAI model)', async () => {
    const client = gateway.harness.anthropic();
    const { data, response } = await client.messages
      .create({
        model: MODELS.openai.name,
        max_tokens: 100,
        messages: [{ role: 'user', content: 'What happened today?' }],
        tools: [
          { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
          { name: 'lookup', input_schema: { type: 'object', properties: {} } },
        ],
        tool_choice: { type: 'tool', name: 'web_search' },
      })
      .withResponse();
    expect(data.type).toBe('message');
    expect(response.headers.get('x-gateway-dropped')).toBe('tools.web_search_20250305, tool_choice');
    const sent = gateway.openaiUpstream.requests[0]?.body as Record<string, unknown>;
    expect(sent.tools).toHaveLength(1);
    expect(sent.tool_choice).toBeUndefined();
    const record = await gateway.nextRecord();
    expect(record.droppedFields).toEqual(['tools.web_search_20250305', 'tool_choice']);
  });

  it('reports a tool_choice left without tools once hosted web search is dropped (Responses client)', async () => {
    const client = gateway.harness.openai();
    const body = {
      model: MODELS.anthropic.name,
      input: 'Hi',
      tools: [{ type: 'web_search' }],
      tool_choice: 'required',
    };
    const { data, response } = await client.responses.create(body as any).withResponse();
    expect(data.status).toBe('completed');
    expect(response.headers.get('x-gateway-dropped')).toBe('tools.web_search, tool_choice');
    const sent = gateway.anthropicUpstream.requests[0]?.body as Record<string, unknown>;
    expect(sent.tool_choice).toBeUndefined();
    const record = await gateway.nextRecord();
    expect(record.droppedFields).toEqual(['tools.web_search', 'tool_choice']);
  });

  it('drops and reports a hosted web-search tool_choice instead of refusing it (Responses client)', async () => {
    const client = gateway.harness.openai();
    const body = {
      model: MODELS.anthropic.name,
      input: 'Hi',
      tools: [
        { type: 'web_search_preview_2025_03_11' },
        { type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'web_search_preview_2025_03_11' },
    };
    const { data, response } = await client.responses.create(body as any).withResponse();
    expect(data.status).toBe('completed');
    expect(response.headers.get('x-gateway-dropped')).toBe('tools.web_search_preview_2025_03_11, tool_choice');
    const sent = gateway.anthropicUpstream.requests[0]?.body as Record<string, unknown>;
    expect(sent.tools).toHaveLength(1);
    expect(sent.tool_choice).toBeUndefined();
    await gateway.nextRecord();
  });

  it('accepts truncation "auto" as a hint toward Anthropic, reports it dropped and echoes it', async () => {
    const client = gateway.harness.openai();
    const { data, response } = await client.responses
      .create({ model: MODELS.anthropic.name, input: 'Hi', truncation: 'auto' })
      .withResponse();
    expect(data.status).toBe('completed');
    expect(data.truncation).toBe('auto');
    expect(response.headers.get('x-gateway-dropped')).toBe('truncation');
    const sent = gateway.anthropicUpstream.requests[0]?.body as Record<string, unknown>;
    expect(sent.truncation).toBeUndefined();
    const record = await gateway.nextRecord();
    expect(record.droppedFields).toEqual(['truncation']);
  });

  it('refuses client_metadata for a strict model', async () => {
    const client = gateway.harness.openai();
    const body = { model: STRICT.anthropic, input: 'Hi', client_metadata: { session_id: 's-1' } };
    const error = await client.responses.create(body as any).catch((e) => e);
    expect(error.status).toBe(400);
    expect(error.param).toBe('client_metadata');
    expect(gateway.anthropicUpstream.requests).toHaveLength(0);
    await gateway.nextRecord();
  });

  it('sends no x-gateway-dropped header on passthrough, where the provider gets every field', async () => {
    const response = await fetch(`${gateway.harness.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': CLIENT_TOKEN, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: MODELS.anthropic.name,
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-gateway-dropped')).toBeNull();
    await gateway.nextRecord();
  });
});
