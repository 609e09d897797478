import type { IncomingHttpHeaders } from 'node:http';
import { errors } from '../../errors/codes.js';
import type { ClientDialect } from '../shared/client-dialect.js';
import type { ClientOutput } from '../shared/client-output.js';
import type { EntryPointSpec } from '../shared/entry-point.js';
import { anthropicModelPage } from './anthropic-model-page.js';

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

/** The model names the client may use: all configured ones, or those its key's patterns match. */
function visibleModels(out: ClientOutput): string[] {
  const names = [...out.exchange.snapshot.models.keys()];
  const mayUse = out.exchange.access?.mayUse;
  return mayUse ? names.filter(mayUse) : names;
}

function openaiModel(name: string): Record<string, unknown> {
  return { id: name, object: 'model', created: 0, owned_by: 'ai-model-gateway' };
}

/**
 * GET /v1/models: the model names the client may use, in OpenAI's list shape (or Anthropic's, paged as
 * Anthropic pages it, for Anthropic clients). A client without model patterns gets the list built once per config.
 */
export const listModels: EntryPointSpec = {
  entryPoint: 'models',
  dialect: 'openai',
  dialectOf,
  method: 'GET',
  handle: async (out) => {
    const restricted = out.exchange.access?.mayUse !== undefined;
    if (!wantsAnthropicShape(out)) {
      if (!restricted) return sendJson(out, out.exchange.snapshot.modelListBody);
      return sendJson(out, JSON.stringify({ object: 'list', data: visibleModels(out).map(openaiModel) }));
    }
    const page = anthropicModelPage(visibleModels(out), new URLSearchParams(out.exchange.query));
    sendJson(
      out,
      JSON.stringify({
        data: page.names.map(anthropicModel),
        has_more: page.hasMore,
        first_id: page.names[0] ?? null,
        last_id: page.names.at(-1) ?? null,
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
  route: '/v1/models/{model}',
  handle: async (out) => {
    const name = decodedName(out.exchange.path.slice('/v1/models/'.length));
    out.exchange.requestedModel = name;
    const mayUse = out.exchange.access?.mayUse;
    if (mayUse && !mayUse(name)) throw errors.modelForbidden(out.exchange.client ?? '', name);
    if (!out.exchange.snapshot.models.has(name)) throw errors.unknownModel(name);
    const model = wantsAnthropicShape(out) ? anthropicModel(name) : openaiModel(name);
    sendJson(out, JSON.stringify(model));
  },
};
