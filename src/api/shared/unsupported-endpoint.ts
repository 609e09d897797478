import { errors } from '../../errors/codes.js';
import type { EntryPoint } from '../../telemetry/request-record.js';
import type { EntryPointSpec } from './entry-point.js';

/**
 * OpenAI API paths that need state the gateway does not keep. They are answered after authentication, in
 * OpenAI's error shape with a 404 naming the path and why, and recorded under their API's entry point, so an
 * SDK call such as `client.conversations.create()` fails with a reason instead of a bare "no route", and
 * `/v1/responses/compact` is not taken for a stored response's id.
 */
interface Gap {
  entryPoint: EntryPoint;
  why: string;
}

const CHAT = '/v1/chat/completions';
const CONVERSATIONS_PATH = '/v1/conversations';

const STORED_COMPLETIONS: Gap = {
  entryPoint: 'chat.completions',
  why:
    'it keeps no stored chat completions (a chat request with store: true reaches a same-dialect provider as sent, ' +
    'which keeps it under the gateway\u2019s provider key, out of clients\u2019 reach)',
};

const CONVERSATIONS: Gap = {
  entryPoint: 'responses',
  why: 'it keeps no conversation objects; chain turns with previous_response_id or send the whole conversation in input',
};

const EXACT = new Map<string, Gap>([
  [
    '/v1/responses/compact',
    {
      entryPoint: 'responses',
      why:
        'compaction runs on OpenAI\u2019s servers and returns items only OpenAI can read; chain turns with ' +
        'previous_response_id or send the conversation in input',
    },
  ],
  [
    '/v1/responses/input_tokens',
    {
      entryPoint: 'responses',
      why: 'it has no Responses token counter (the usage of each response reports its input_tokens)',
    },
  ],
  [CONVERSATIONS_PATH, CONVERSATIONS],
]);

/** The sub-resources OpenAI's API has under these ids (`…/{completion_id}/messages`, `…/{conversation_id}/items`). */
const SUBRESOURCES = new Set(['messages', 'items']);

/**
 * The path template of a path under `prefix` that carries ids, for the server span's name and `http.route`
 * (tracing backends group spans by name, so an id in it makes one group per request): ids become `{name}`, a
 * sub-resource OpenAI does not have `{segment}`, and anything past an id's sub-resource's id `{path}`.
 */
function templateOf(path: string, prefix: string, ids: readonly [string, string]): string {
  const segments = path.slice(prefix.length + 1).split('/');
  let route = prefix;
  for (let i = 0; i < Math.min(segments.length, 3); i++) {
    if (i === 1) route += `/${SUBRESOURCES.has(segments[i] as string) ? segments[i] : '{segment}'}`;
    else route += `/{${ids[i / 2]}}`;
  }
  return segments.length > 3 ? `${route}/{path}` : route;
}

function gapOf(path: string, method: string): { gap: Gap; route: string } | undefined {
  const exact = EXACT.get(path);
  if (exact) return { gap: exact, route: path };
  // GET lists stored completions; other methods are plain wrong methods (405).
  if (path === CHAT)
    return method === 'GET' || method === 'HEAD' ? { gap: STORED_COMPLETIONS, route: path } : undefined;
  if (path.startsWith(`${CHAT}/`)) {
    return { gap: STORED_COMPLETIONS, route: templateOf(path, CHAT, ['completion_id', 'message_id']) };
  }
  if (path.startsWith(`${CONVERSATIONS_PATH}/`)) {
    return { gap: CONVERSATIONS, route: templateOf(path, CONVERSATIONS_PATH, ['conversation_id', 'item_id']) };
  }
  return undefined;
}

/** The spec answering `method path` when it is one of the unsupported stateful endpoints, else undefined. */
export function unsupportedEndpoint(path: string, method: string): EntryPointSpec | undefined {
  const found = gapOf(path, method);
  if (!found) return undefined;
  const { gap, route } = found;
  return {
    entryPoint: gap.entryPoint,
    dialect: 'openai',
    route,
    readsBody: false,
    // The spec takes whatever method was sent: the answer is the same 404 for every one.
    method: (method === 'HEAD' ? 'GET' : method) as EntryPointSpec['method'],
    handle: async () => {
      throw errors.unsupportedEndpoint(method, path, gap.why);
    },
  };
}
