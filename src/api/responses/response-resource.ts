import { errors } from '../../errors/codes.js';
import { storedItems } from '../../store/store.js';
import { pageOf, parsePageQuery } from '../../translate/responses/item-page.js';
import type { ClientOutput } from '../shared/client-output.js';
import type { EntryPointSpec } from '../shared/entry-point.js';

/**
 * `GET /v1/responses/{id}`, `DELETE /v1/responses/{id}`, `GET /v1/responses/{id}/input_items` (and the
 * refused `POST /v1/responses/{id}/cancel`): a stored
 * response of the calling client only. Another client's response, a deleted or an expired one all answer the
 * same 404, so a token learns nothing about responses it did not create.
 */
const PREFIX = '/v1/responses/';
const INPUT_ITEMS = '/input_items';
const CANCEL = '/cancel';

function sendJson(out: ClientOutput, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  out.head(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  out.end(body);
}

function idOf(out: ClientOutput, suffix = ''): string {
  const path = out.exchange.path;
  const raw = path.slice(PREFIX.length, path.length - suffix.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw errors.responseNotFound(raw);
  }
}

function scopeOf(out: ClientOutput): string {
  const scope = out.exchange.clientScope;
  // Every data-plane request is authenticated before its handler runs; no scope would be a wiring fault.
  if (scope === null) throw errors.missingToken();
  return scope;
}

async function stored(out: ClientOutput, id: string) {
  const found = await out.exchange.services.responses.get(id, scopeOf(out));
  if (!found) throw errors.responseNotFound(id);
  return found;
}

const ROUTE = '/v1/responses/{response_id}';

const retrieve: EntryPointSpec = {
  entryPoint: 'responses',
  dialect: 'openai',
  method: 'GET',
  route: ROUTE,
  handle: async (out) => {
    const query = new URLSearchParams(out.exchange.query);
    if (query.get('stream') === 'true') {
      throw errors.invalidBody(
        'stream is not supported when retrieving a response: only background responses can be streamed again, and this gateway runs none',
        'stream',
      );
    }
    sendJson(out, 200, (await stored(out, idOf(out))).response);
  },
};

const remove: EntryPointSpec = {
  entryPoint: 'responses',
  dialect: 'openai',
  method: 'DELETE',
  route: ROUTE,
  handle: async (out) => {
    const id = idOf(out);
    if (!(await out.exchange.services.responses.delete(id, scopeOf(out)))) throw errors.responseNotFound(id);
    sendJson(out, 200, { id, object: 'response', deleted: true });
  },
};

const inputItems: EntryPointSpec = {
  entryPoint: 'responses',
  dialect: 'openai',
  method: 'GET',
  route: `${ROUTE}${INPUT_ITEMS}`,
  handle: async (out) => {
    const query = parsePageQuery(new URLSearchParams(out.exchange.query));
    const response = await stored(out, idOf(out, INPUT_ITEMS));
    sendJson(out, 200, pageOf(storedItems(response.inputItems), query));
  },
};

/**
 * `POST /v1/responses/{id}/cancel`: only a background response can be cancelled, and the gateway runs none
 * (`background: true` is refused), so a stored response is always finished. An id this client cannot see
 * answers the same 404 as retrieve.
 */
const cancel: EntryPointSpec = {
  entryPoint: 'responses',
  dialect: 'openai',
  method: 'POST',
  route: `${ROUTE}${CANCEL}`,
  readsBody: false,
  handle: async (out) => {
    const id = idOf(out, CANCEL);
    await stored(out, id);
    throw errors.unsupportedOperation(
      `Response '${id}' cannot be cancelled: only background responses can be cancelled, and this gateway runs none (background: true is refused); this response has already finished`,
    );
  },
};

/** A spec that answers 405 naming the methods the path has (the data plane checks only one method). */
function notAllowed(method: string, allowed: string, route: string): EntryPointSpec {
  return {
    entryPoint: 'responses',
    dialect: 'openai',
    method: method as EntryPointSpec['method'],
    route,
    handle: async (out) => {
      throw errors.methodNotAllowed(method, out.exchange.path, allowed);
    },
  };
}

/** The spec serving `path` with `method`, or undefined when the path is not a stored-response resource. */
export function responseResource(path: string, method: string): EntryPointSpec | undefined {
  if (!path.startsWith(PREFIX)) return undefined;
  const rest = path.slice(PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash === -1) {
    if (rest === '') return undefined;
    if (method === 'GET' || method === 'HEAD') return retrieve;
    return method === 'DELETE' ? remove : notAllowed(method, 'GET, DELETE', ROUTE);
  }
  if (slash === 0) return undefined;
  const action = rest.slice(slash);
  if (action === CANCEL) return method === 'POST' ? cancel : notAllowed(method, 'POST', `${ROUTE}${CANCEL}`);
  if (action !== INPUT_ITEMS) return undefined;
  return method === 'GET' || method === 'HEAD' ? inputItems : notAllowed(method, 'GET', `${ROUTE}${INPUT_ITEMS}`);
}
