import type { IncomingHttpHeaders } from 'node:http';
import { errors } from '../../errors/codes.js';
import type { ClientDialect } from '../shared/client-dialect.js';
import type { ClientOutput } from '../shared/client-output.js';
import type { EntryPointSpec } from '../shared/entry-point.js';

function sendJson(out: ClientOutput, body: string): void {
  out.head(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  out.end(body);
}

/**
 * Anthropic clients send anthropic-version on every call; they expect Anthropic's list, model and error shapes,
 * and may authenticate with x-api-key as on /v1/messages.
 */
function dialectOf(headers: IncomingHttpHeaders): ClientDialect {
  return headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai';
}

function wantsAnthropicShape(out: ClientOutput): boolean {
  return out.exchange.dialect === 'anthropic';
}

function anthropicModel(name: string): Record<string, unknown> {
  return { type: 'model', id: name, display_name: name, created_at: '1970-01-01T00:00:00Z' };
}

/** GET /v1/models: the configured model names, in OpenAI's list shape (or Anthropic's, for Anthropic clients). */
export const listModels: EntryPointSpec = {
  entryPoint: 'models',
  dialect: 'openai',
  dialectOf,
  method: 'GET',
  handle: async (out) => {
    if (!wantsAnthropicShape(out)) return sendJson(out, out.exchange.snapshot.modelListBody);
    const names = [...out.exchange.snapshot.models.keys()];
    sendJson(
      out,
      JSON.stringify({
        data: names.map(anthropicModel),
        has_more: false,
        first_id: names[0] ?? null,
        last_id: names.at(-1) ?? null,
      }),
    );
  },
};

/** A path segment as the client meant it; a malformed escape (`%`, `%zz`) is the client's 400, not a 500. */
function decodedName(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw errors.invalidBody('the model name in the path is not valid percent-encoding', 'model');
  }
}

/** GET /v1/models/{model}: one configured model, or 404. */
export const retrieveModel: EntryPointSpec = {
  entryPoint: 'models',
  dialect: 'openai',
  dialectOf,
  method: 'GET',
  handle: async (out) => {
    const name = decodedName(out.exchange.path.slice('/v1/models/'.length));
    out.exchange.requestedModel = name;
    if (!out.exchange.snapshot.models.has(name)) throw errors.unknownModel(name);
    const model = wantsAnthropicShape(out)
      ? anthropicModel(name)
      : { id: name, object: 'model', created: 0, owned_by: 'ai-model-gateway' };
    sendJson(out, JSON.stringify(model));
  },
};
