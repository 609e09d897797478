import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/telemetry/request-record.js';
import { useScriptedGateway } from '../support/scripted-gateway.js';
import { type Script, sseAnswer } from '../support/scripted-upstream.js';

/** Text only the model's output or the client's prompt holds: it must reach no record. */
const CONTENT = 'print(default_api.get_weather(city="Paris", secret_plan="the launch code is 0000"))';

const json =
  (status: number, body: object): Script =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

const geminiEvent = (body: object) => `data: ${JSON.stringify(body)}\r\n\r\n`;
const geminiText = (text: string) =>
  geminiEvent({ candidates: [{ content: { parts: [{ text }], role: 'model' }, index: 0 }], modelVersion: 'g' });

/** Every piece of a record's text an upstream's words can reach. */
const recordText = (record: RequestRecord) => JSON.stringify([record.errorMessage, record.attempts]);

/**
 * Records hold no content (docs/security.md, "Upstream text in records and logs"): an upstream's text that is
 * the model's output (Gemini's finishMessage, an event that does not parse) or quotes the prompt at length (a
 * validation message) is left out of the request record and its attempts, which keep the reason in words.
 */
describe('upstream text that is content stays out of the request record', () => {
  const scripted = useScriptedGateway();

  async function chat(model: string, stream: boolean) {
    const params = { model, messages: [{ role: 'user' as const, content: 'weather?' }] };
    const { response, error } = await (async () => {
      if (!stream) {
        const { response } = await scripted.gateway.openai().chat.completions.create(params).withResponse();
        return { response, error: undefined };
      }
      const { data, response } = await scripted.gateway
        .openai()
        .chat.completions.create({ ...params, stream: true })
        .withResponse();
      try {
        for await (const _ of data);
        return { response, error: undefined };
      } catch (error) {
        return { response, error: error as Error };
      }
    })().catch((error: { headers?: Headers } & Error) => ({ response: { headers: error.headers }, error }));
    const id = response.headers?.get('x-request-id');
    return { error, record: await scripted.gateway.recordWhere((r) => r.id === id) };
  }

  it("Gemini's finishMessage of a MALFORMED_FUNCTION_CALL (the model's output): the reason's name only", async () => {
    scripted.upstream.next.push(
      json(200, {
        candidates: [
          { content: { parts: [], role: 'model' }, finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage: CONTENT },
        ],
        modelVersion: 'gemini-x',
      }),
    );
    const { error, record } = await chat('gem', false);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error?.message).toMatch(/finishReason MALFORMED_FUNCTION_CALL/);
    expect(error?.message).not.toContain('launch code');
    expect(record.errorMessage).toMatch(/MALFORMED_FUNCTION_CALL \(its finishMessage of \d+ characters not kept/);
    expect(recordText(record)).not.toContain('launch code');
  });

  it('a streamed Gemini finishMessage after text went out: the error event and the record name the reason only', async () => {
    const malformed = {
      candidates: [
        { content: { parts: [], role: 'model' }, finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage: CONTENT },
      ],
    };
    scripted.upstream.next.push(sseAnswer([geminiText('Let me look'), geminiEvent(malformed)]));
    const { error, record } = await chat('gem', true);
    expect(error?.message).toMatch(/MALFORMED_FUNCTION_CALL/);
    expect(record.errorMessage).toMatch(/MALFORMED_FUNCTION_CALL/);
    expect(recordText(record)).not.toContain('launch code');
  });

  it('a streamed event that does not parse: the record says so without quoting it', async () => {
    // V8's JSON error quotes the start of such text ("Unexpected token 'l', "launch cod"... is not valid JSON").
    scripted.upstream.next.push(sseAnswer([geminiText('Let me look'), 'data: launch code is 0000\r\n\r\n']));
    const { error, record } = await chat('gem', true);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(record.errorMessage).toMatch(/JSON that does not parse \(unexpected character\)/);
    expect(recordText(record)).not.toContain('launch');
  });

  it("a provider's 400 that quotes the prompt at length: the client gets it, the record its length", async () => {
    const message = `Invalid prompt: "${CONTENT.replaceAll('"', "'")}" was flagged as potentially violating our usage policy.`;
    scripted.upstream.next.push(
      json(400, { error: { message, type: 'invalid_request_error', param: null, code: null } }),
    );
    const { error, record } = await chat('oa', false);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error?.message).toContain('launch code');
    expect(record.errorMessage).toMatch(/Invalid prompt: "<\d+ characters>" was flagged/);
    expect(recordText(record)).not.toContain('launch code');
  });
});
