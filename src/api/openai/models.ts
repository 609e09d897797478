import { errors } from '../../errors/codes.js';
import type { ClientOutput } from '../shared/client-output.js';
import type { EntryPointSpec } from '../shared/entry-point.js';

function sendJson(out: ClientOutput, body: string): void {
  out.head(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  out.end(body);
}

/** GET /v1/models: the configured model names, in OpenAI's list shape. */
export const listModels: EntryPointSpec = {
  entryPoint: 'models',
  dialect: 'openai',
  method: 'GET',
  handle: async (out) => sendJson(out, out.exchange.snapshot.modelListBody),
};

/** GET /v1/models/{model}: one configured model, or 404. */
export const retrieveModel: EntryPointSpec = {
  entryPoint: 'models',
  dialect: 'openai',
  method: 'GET',
  handle: async (out) => {
    const name = decodeURIComponent(out.exchange.path.slice('/v1/models/'.length));
    out.exchange.requestedModel = name;
    if (!out.exchange.snapshot.models.has(name)) throw errors.unknownModel(name);
    sendJson(out, JSON.stringify({ id: name, object: 'model', created: 0, owned_by: 'ai-model-gateway' }));
  },
};
