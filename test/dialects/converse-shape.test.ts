import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DialectGateway, MODELS } from './support/dialect-gateway.js';

/**
 * Bedrock Converse checks a conversation's shape where the other APIs do not: the roles must alternate (no two
 * user messages in a row, which Chat, Responses and Messages clients all send), and no text block may be
 * blank, in a message or a tool result (a tool that printed nothing, a whitespace-only part), and documents
 * need names of its own alphabet, no two alike in the request. Such
 * conversations from every client dialect still reach a Bedrock model, with what they say kept.
 */

type Json = Record<string, unknown>;

let gateway: DialectGateway;

const TOOLS: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'run', parameters: { type: 'object', properties: {} } } },
];

/** The last Converse request's messages, one line each: role, then its blocks' kinds (and texts). */
function sentShape(): string[] {
  const body = gateway.bedrockUpstream.chatRequests().at(-1)?.body as {
    messages: Array<{ role: string; content: Json[] }>;
  };
  return body.messages.map((message) => {
    const blocks = message.content.map((block) => {
      if (typeof block.text === 'string') return JSON.stringify(block.text);
      const result = block.toolResult as { toolUseId: string; content: Json[] } | undefined;
      if (result)
        return `toolResult(${result.toolUseId}:${result.content.map((c) => JSON.stringify(c.text)).join('')})`;
      return Object.keys(block)[0];
    });
    return `${message.role}: ${blocks.join(' ')}`;
  });
}

/** The last Converse request's messages. */
function sentMessages(): Array<{ role: string; content: Json[] }> {
  const body = gateway.bedrockUpstream.chatRequests().at(-1)?.body as {
    messages: Array<{ role: string; content: Json[] }>;
  };
  return body.messages;
}

/** The names of the documents in the last Converse request, in order. */
function sentDocumentNames(): string[] {
  return sentMessages().flatMap((message) =>
    message.content.flatMap((block) => ((block.document as Json | undefined)?.name as string | undefined) ?? []),
  );
}

const PDF = Buffer.from('%PDF-1.4 a page').toString('base64');

describe('conversations Converse would refuse as the client sent them', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(() => gateway.reset());

  it('Chat: consecutive user messages reach Bedrock as one user turn, in order', async () => {
    const completion = await gateway.harness.openai().chat.completions.create({
      model: MODELS.bedrock.name,
      messages: [
        { role: 'user', content: 'Context: the launch is on Friday.' },
        { role: 'user', content: 'When is the launch?' },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('Hello from Bedrock.');
    expect(sentShape()).toEqual(['user: "Context: the launch is on Friday." "When is the launch?"']);
  });

  it('Chat, streamed: a tool that printed nothing, then a user message after the results', async () => {
    const stream = await gateway.harness.openai().chat.completions.create({
      model: MODELS.bedrock.name,
      stream: true,
      tools: TOOLS,
      messages: [
        { role: 'user', content: 'Make the directory, then list it.' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_mkdir', type: 'function', function: { name: 'run', arguments: '{"cmd":"mkdir out"}' } },
            { id: 'call_ls', type: 'function', function: { name: 'run', arguments: '{"cmd":"ls out"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_mkdir', content: '' },
        { role: 'tool', tool_call_id: 'call_ls', content: '\n' },
        { role: 'user', content: 'Both ran; what next?' },
      ],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from Bedrock.');
    expect(sentShape()).toEqual([
      'user: "Make the directory, then list it."',
      'assistant: toolUse toolUse',
      'user: toolResult(call_mkdir:) toolResult(call_ls:) "Both ran; what next?"',
    ]);
  });

  it('Messages: consecutive user turns and a whitespace-only text block', async () => {
    const params: Anthropic.MessageCreateParamsNonStreaming = {
      model: MODELS.bedrock.name,
      max_tokens: 100,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'First question.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: ' ' },
            { type: 'text', text: 'Second question.' },
          ],
        },
      ],
    };
    const message = await gateway.harness.anthropic().messages.create(params);
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from Bedrock.' }]);
    expect(sentShape()).toEqual(['user: "First question." "Second question."']);
  });

  it('Messages: two untitled PDFs turns apart and a file name Converse would refuse get names it takes', async () => {
    const pdf = { type: 'base64' as const, media_type: 'application/pdf' as const, data: PDF };
    const message = await gateway.harness.anthropic().messages.create({
      model: MODELS.bedrock.name,
      max_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: pdf },
            { type: 'text', text: 'Summarise it.' },
          ],
        },
        { role: 'assistant', content: 'It is about cats.' },
        {
          role: 'user',
          content: [
            { type: 'document', source: pdf },
            { type: 'document', source: pdf, title: 'Q3__report v1.2.pdf' },
            { type: 'text', text: 'And these?' },
          ],
        },
      ],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from Bedrock.' }]);
    expect(sentDocumentNames()).toEqual(['document', 'document (2)', 'Q3 report v1 2 pdf']);
  });

  it('Chat: two PDF files whose names differ only in case get distinct names', async () => {
    const file = (filename: string) => ({
      type: 'file' as const,
      file: { filename, file_data: `data:application/pdf;base64,${PDF}` },
    });
    const completion = await gateway.harness.openai().chat.completions.create({
      model: MODELS.bedrock.name,
      messages: [{ role: 'user', content: [file('notes.pdf'), file('NOTES.pdf'), { type: 'text', text: 'Compare.' }] }],
    });
    expect(completion.choices[0]?.message.content).toBe('Hello from Bedrock.');
    expect(sentDocumentNames()).toEqual(['notes pdf', 'NOTES pdf (2)']);
  });

  it('Chat and Messages: a file sent with no prompt goes with a text block, which Converse requires', async () => {
    const completion = await gateway.harness.openai().chat.completions.create({
      model: MODELS.bedrock.name,
      messages: [
        {
          role: 'user',
          content: [{ type: 'file', file: { filename: 'notes.pdf', file_data: `data:application/pdf;base64,${PDF}` } }],
        },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('Hello from Bedrock.');
    expect(sentShape()).toEqual(['user: document "(the attached document)"']);
    const message = await gateway.harness.anthropic().messages.create({
      model: MODELS.bedrock.name,
      max_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF } }],
        },
      ],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from Bedrock.' }]);
    expect(sentShape()).toEqual(['user: document "(the attached document)"']);
  });

  it('Chat: CSV, Word and Markdown files go as documents of the formats Converse reads', async () => {
    const file = (filename: string, mediaType: string) => ({
      type: 'file' as const,
      file: { filename, file_data: `data:${mediaType};base64,${PDF}` },
    });
    const completion = await gateway.harness.openai().chat.completions.create({
      model: MODELS.bedrock.name,
      messages: [
        {
          role: 'user',
          content: [
            file('sales.csv', 'text/csv'),
            file('plan.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
            file('notes.md', 'text/markdown'),
            { type: 'text', text: 'Compare them.' },
          ],
        },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('Hello from Bedrock.');
    const sent = sentMessages()[0]?.content;
    expect(sent?.map((block) => (block.document as Json | undefined)?.format ?? 'text')).toEqual([
      'csv',
      'docx',
      'md',
      'text',
    ]);
    expect(sentDocumentNames()).toEqual(['sales csv', 'plan docx', 'notes md']);
  });

  it("Chat and Responses: a JPEG labelled with the common 'image/jpg' goes as Converse's jpeg format", async () => {
    const jpg = 'data:image/jpg;base64,/9j/4AAQSkZJRg==';
    const completion = await gateway.harness.openai().chat.completions.create({
      model: MODELS.bedrock.name,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is it?' },
            { type: 'image_url', image_url: { url: jpg } },
          ],
        },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('Hello from Bedrock.');
    const image = { image: { format: 'jpeg', source: { bytes: '/9j/4AAQSkZJRg==' } } };
    const sentBlocks = () => sentMessages()[0]?.content;
    expect(sentBlocks()).toEqual([{ text: 'What is it?' }, image]);
    const response = await gateway.harness.openai().responses.create({
      model: MODELS.bedrock.name,
      store: false,
      input: [{ role: 'user', content: [{ type: 'input_image', detail: 'auto', image_url: jpg }] }],
    });
    expect(response.output_text).toBe('Hello from Bedrock.');
    expect(sentBlocks()).toEqual([image]);
  });

  it('Responses: two user input items, and an empty function_call_output', async () => {
    const response = await gateway.harness.openai().responses.create({
      model: MODELS.bedrock.name,
      tools: [{ type: 'function', name: 'run', parameters: { type: 'object', properties: {} }, strict: false }],
      input: [
        { role: 'user', content: 'Here is the repo layout.' },
        { role: 'user', content: 'Clean the build.' },
        { type: 'function_call', call_id: 'call_clean', name: 'run', arguments: '{"cmd":"make clean"}' },
        { type: 'function_call_output', call_id: 'call_clean', output: '' },
      ],
    });
    expect(response.output_text).toBe('Hello from Bedrock.');
    expect(sentShape()).toEqual([
      'user: "Here is the repo layout." "Clean the build."',
      'assistant: toolUse',
      'user: toolResult(call_clean:)',
    ]);
  });
});

describe('a tool conversation sent to Bedrock without its tools', () => {
  beforeAll(async () => {
    gateway = await DialectGateway.start();
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(() => gateway.reset());

  it('has its calls and results written as text, so Bedrock takes it and the model can call nothing', async () => {
    const completion = await gateway.harness.openai().chat.completions.create({
      model: MODELS.bedrock.name,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_w', content: 'Sunny' },
        { role: 'user', content: 'Summarise this conversation.' },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('Hello from Bedrock.');
    const sent = gateway.bedrockUpstream.chatRequests()[0]?.body as Record<string, unknown>;
    expect(sent.toolConfig).toBeUndefined();
    expect(sent.messages).toEqual([
      { role: 'user', content: [{ text: 'Weather in Paris?' }] },
      { role: 'assistant', content: [{ text: '[Tool call call_w: get_weather {"city":"Paris"}]' }] },
      { role: 'user', content: [{ text: '[Tool result call_w]\nSunny' }, { text: 'Summarise this conversation.' }] },
    ]);
  });
});
