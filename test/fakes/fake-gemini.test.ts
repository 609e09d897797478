import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGemini } from './fake-gemini.js';

/** The official @google/genai SDK pointed straight at the fake: proves the fake speaks the Gemini API. */
describe('FakeGemini read by the official @google/genai SDK', () => {
  let fake: FakeGemini;
  let ai: GoogleGenAI;

  beforeAll(async () => {
    fake = await FakeGemini.start();
    ai = new GoogleGenAI({ apiKey: fake.apiKey, httpOptions: { baseUrl: fake.server.origin } });
  });
  afterAll(() => fake.close());

  it('accepts generateContent with x-goog-api-key and its answer parses, usage included', async () => {
    fake.enqueue({ kind: 'reply', text: 'Paris.', usage: { prompt: 8, candidates: 2, cached: 3, thoughts: 5 } });
    const answer = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Capital of France?' });
    expect(answer.text).toBe('Paris.');
    expect(answer.usageMetadata).toMatchObject({
      promptTokenCount: 8,
      candidatesTokenCount: 2,
      cachedContentTokenCount: 3,
      thoughtsTokenCount: 5,
    });
    const request = fake.chatRequests().at(-1);
    expect(request?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(request?.headers['x-goog-api-key']).toBe(fake.apiKey);
  });

  it('streams with alt=sse, and the SDK joins the pieces', async () => {
    fake.enqueue({ kind: 'reply', text: 'one two three', chunkSize: 4 });
    const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'count' });
    let text = '';
    for await (const chunk of stream) text += chunk.text ?? '';
    expect(text).toBe('one two three');
    expect(fake.chatRequests().at(-1)?.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });

  it('hands function calls with their thought signatures to the SDK, and requires the signature back', async () => {
    fake.enqueue({
      kind: 'reply',
      toolCalls: [{ name: 'get_weather', args: { city: 'Paris' }, signature: 'c2lnLTE=' }],
    });
    const config = {
      tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: { type: 'OBJECT' as never } }] }],
    };
    const first = await ai.models.generateContent({ model: 'gemini-3-pro', contents: 'weather?', config });
    expect(first.functionCalls).toEqual([{ name: 'get_weather', args: { city: 'Paris' } }]);
    const modelTurn = first.candidates?.[0]?.content;
    expect(modelTurn?.parts?.[0]?.thoughtSignature).toBe('c2lnLTE=');
    const answer = { functionResponse: { name: 'get_weather', response: { result: 'sunny' } } };
    fake.enqueue({ kind: 'reply', text: 'Sunny.' });
    const second = await ai.models.generateContent({
      model: 'gemini-3-pro',
      contents: [{ role: 'user', parts: [{ text: 'weather?' }] }, modelTurn ?? {}, { role: 'user', parts: [answer] }],
      config,
    });
    expect(second.text).toBe('Sunny.');
    const stripped = { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] };
    await expect(
      ai.models.generateContent({
        model: 'gemini-3-pro',
        contents: [{ role: 'user', parts: [{ text: 'weather?' }] }, stripped, { role: 'user', parts: [answer] }],
        config,
      }),
    ).rejects.toThrow(/thought_signature/);
  });

  it('takes the SDK’s seed and penalties, and refuses a penalty of 2 as Google documents its range', async () => {
    const config = { seed: 5, presencePenalty: 0.5, frequencyPenalty: -2 };
    await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi', config });
    const sent = fake.chatRequests().at(-1)?.body as { generationConfig?: unknown };
    expect(sent.generationConfig).toEqual(config);
    const refused = ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'hi',
      config: { frequencyPenalty: 2 },
    });
    await expect(refused).rejects.toMatchObject({ status: 400 });
  });

  it('refuses a bad key the way Google does, which the SDK raises with status 400', async () => {
    const wrong = new GoogleGenAI({ apiKey: 'wrong', httpOptions: { baseUrl: fake.server.origin } });
    await expect(wrong.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('API key not valid'),
    });
  });

  it('answers 429 RESOURCE_EXHAUSTED, which the SDK raises as status 429', async () => {
    fake.enqueue({ kind: 'error', status: 429, message: 'Resource has been exhausted (e.g. check quota).' });
    await expect(ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' })).rejects.toMatchObject({
      status: 429,
    });
  });
});
