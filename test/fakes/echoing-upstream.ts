import type { ServerResponse } from 'node:http';
import { FakeServer, sleep } from './fake-server.js';

/**
 * An upstream that quotes back the credential it was sent, as some real ones do ("Incorrect API key provided:
 * sk-..."), in every place an answer can carry text. The upstream model name picks the scenario:
 * - `relay-400`: a final 400 quoting the whole key;
 * - `partial-401`: a 401 quoting the first 12 characters of the key;
 * - `cut-500`: a 500 whose long message puts the key where a 300-character cut would split it;
 * - `text-502`: a plain-text 502 quoting the key;
 * - `stream-error`: a 200 stream whose error event quotes the key, written across two network writes.
 */
export type EchoScenario = 'relay-400' | 'partial-401' | 'cut-500' | 'text-502' | 'stream-error';
export const ECHO_SCENARIOS: EchoScenario[] = ['relay-400', 'partial-401', 'cut-500', 'text-502', 'stream-error'];

type Dialect = 'openai' | 'anthropic';

function errorBody(dialect: Dialect, type: string, message: string): string {
  return JSON.stringify(
    dialect === 'openai'
      ? { error: { message, type, param: null, code: null } }
      : { type: 'error', error: { type, message } },
  );
}

function json(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

const CHAT_CHUNK = {
  id: 'chatcmpl-echo',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'stream-error',
  choices: [{ index: 0, delta: { role: 'assistant', content: 'partial answer' }, finish_reason: null }],
};

const MESSAGE_START = {
  type: 'message_start',
  message: {
    id: 'msg_echo',
    type: 'message',
    role: 'assistant',
    model: 'stream-error',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 5, output_tokens: 1 },
  },
};

async function streamError(res: ServerResponse, dialect: Dialect, key: string): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  if (dialect === 'openai') {
    res.write(`data: ${JSON.stringify(CHAT_CHUNK)}\n\n`);
  } else {
    res.write(`event: message_start\ndata: ${JSON.stringify(MESSAGE_START)}\n\n`);
    res.write(
      `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n`,
    );
    res.write(
      `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"partial answer"}}\n\n`,
    );
  }
  const event = `${dialect === 'anthropic' ? 'event: error\n' : ''}data: ${errorBody(dialect, dialect === 'openai' ? 'server_error' : 'api_error', `stream failed for key ${key}`)}\n\n`;
  const cut = event.indexOf(key) + 6;
  await sleep(20);
  res.write(event.slice(0, cut));
  await sleep(20);
  res.end(event.slice(cut));
}

export async function startEchoingUpstream(dialect: Dialect): Promise<FakeServer> {
  const server = new FakeServer(async (request, res) => {
    const headers = request.headers;
    const key =
      dialect === 'openai'
        ? String(headers.authorization ?? '').replace(/^Bearer /, '')
        : String(headers['x-api-key'] ?? '');
    const model = (request.body as { model?: string } | undefined)?.model as EchoScenario;
    switch (model) {
      case 'relay-400':
        return json(res, 400, errorBody(dialect, 'invalid_request_error', `Incorrect API key provided: ${key}`));
      case 'partial-401':
        return json(res, 401, errorBody(dialect, 'authentication_error', `invalid key ${key.slice(0, 12)}...`));
      case 'cut-500':
        return json(res, 500, errorBody(dialect, 'server_error', `${'x'.repeat(295)} ${key}`));
      case 'text-502':
        res.writeHead(502, { 'content-type': 'text/plain' });
        return void res.end(`bad gateway upstream of key ${key}`);
      case 'stream-error':
        if ((request.body as { stream?: boolean }).stream) return streamError(res, dialect, key);
        return json(res, 400, errorBody(dialect, 'invalid_request_error', `streaming only, key ${key}`));
      default:
        return json(res, 404, errorBody(dialect, 'not_found_error', `no model ${model} for ${key}`));
    }
  });
  return server.listen();
}
