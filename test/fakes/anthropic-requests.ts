/**
 * The request side of the fake Anthropic upstream, pure: the error body shape, the validation the real API
 * applies that gateway translators must respect, and the deterministic token count.
 */

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'timeout_error'
  | 'api_error'
  | 'overloaded_error';

const TYPE_BY_STATUS: Record<number, AnthropicErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const DEFAULT_MESSAGES: Partial<Record<AnthropicErrorType, string>> = {
  authentication_error: 'invalid x-api-key',
  not_found_error: 'Not found',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit',
  api_error: 'Internal server error',
  overloaded_error: 'Overloaded',
};

export function errorTypeFor(status: number): AnthropicErrorType {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** `{"type":"error","error":{"type","message"},"request_id"}` as the API answers every error. */
export function errorBody(type: AnthropicErrorType, message?: string, requestId: string | null = null) {
  return {
    type: 'error',
    error: { type, message: message ?? DEFAULT_MESSAGES[type] ?? `fake upstream ${type}` },
    request_id: requestId,
  };
}

interface MessagesBody {
  model?: unknown;
  max_tokens?: unknown;
  messages?: unknown;
  system?: unknown;
  temperature?: unknown;
  thinking?: { type?: unknown; budget_tokens?: unknown };
  stop_sequences?: unknown;
  tools?: unknown;
}

/** Why the API would reject this Messages body with 400 invalid_request_error, or undefined when it is fine. */
export function messagesProblem(body: unknown, endpoint: 'messages' | 'count_tokens'): string | undefined {
  if (!body || typeof body !== 'object') return 'Request body must be a JSON object';
  const b = body as MessagesBody;
  if (typeof b.model !== 'string') return 'model: Field required';
  if (!Array.isArray(b.messages)) return 'messages: Field required';
  const badRole = (b.messages as { role?: unknown }[]).find((m) => m?.role !== 'user' && m?.role !== 'assistant');
  if (badRole) return `messages: Unexpected role ${JSON.stringify(badRole.role)}; use the top-level system parameter`;
  const badTool = toolNameProblem(b.tools);
  if (badTool) return badTool;
  if (endpoint === 'count_tokens') return undefined;
  if (!Number.isInteger(b.max_tokens) || (b.max_tokens as number) < 1) return 'max_tokens: Field required';
  if (typeof b.temperature === 'number' && (b.temperature < 0 || b.temperature > 1)) {
    return 'temperature: Input should be less than or equal to 1';
  }
  const blankStop = Array.isArray(b.stop_sequences) && b.stop_sequences.some((stop) => String(stop).trim() === '');
  if (blankStop) return 'stop_sequences: each stop sequence must contain non-whitespace';
  return toolIdProblem(b.messages as unknown[]) ?? signatureProblem(b.messages as unknown[]) ?? thinkingProblem(b);
}

/**
 * The API verifies each earlier thinking block's signature; one it did not issue, such as the empty signature a
 * gateway gives another provider's reasoning, is refused in these words.
 */
function signatureProblem(messages: unknown[]): string | undefined {
  for (const [m, message] of messages.entries()) {
    const content = (message as { content?: unknown }).content;
    if (!Array.isArray(content)) continue;
    for (const [c, block] of (content as Array<{ type?: unknown; signature?: unknown }>).entries()) {
      if (block.type === 'thinking' && (typeof block.signature !== 'string' || block.signature === '')) {
        return `messages.${m}.content.${c}: Invalid \`signature\` in \`thinking\` block`;
      }
    }
  }
  return undefined;
}

/** With thinking on, a tool turn being continued must start with its thinking, as the API says. */
function unthoughtToolTurn(messages: unknown[]): string | undefined {
  const index = messages.findLastIndex((message) => (message as { role?: unknown }).role === 'assistant');
  const content = (messages[index] as { content?: unknown } | undefined)?.content;
  if (!Array.isArray(content) || !content.some((block) => block?.type === 'tool_use')) return undefined;
  const first = content[0]?.type;
  if (first === 'thinking' || first === 'redacted_thinking') return undefined;
  return `messages.${index}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block.`;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

/** The API's pattern for the names of client tools (server tools have a `type` and fixed names). */
function toolNameProblem(tools: unknown): string | undefined {
  if (!Array.isArray(tools)) return undefined;
  const index = tools.findIndex((tool) => (tool?.type ?? 'custom') === 'custom' && !TOOL_NAME.test(String(tool?.name)));
  if (index < 0) return undefined;
  return `tools.${index}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
}

const TOOL_ID = /^[a-zA-Z0-9_-]+$/;

/** The API's pattern for tool_use ids and the tool_result ids that name them. */
function toolIdProblem(messages: unknown[]): string | undefined {
  for (const [m, message] of messages.entries()) {
    const content = (message as { content?: unknown }).content;
    if (!Array.isArray(content)) continue;
    for (const [c, block] of (content as Array<{ type?: unknown; id?: unknown; tool_use_id?: unknown }>).entries()) {
      const field = block.type === 'tool_use' ? 'id' : block.type === 'tool_result' ? 'tool_use_id' : undefined;
      const id = field === 'id' ? block.id : block.tool_use_id;
      if (field && (typeof id !== 'string' || !TOOL_ID.test(id))) {
        return `messages.${m}.content.${c}.${block.type}.${field}: String should match pattern '^[a-zA-Z0-9_-]+$'`;
      }
    }
  }
  return undefined;
}

function thinkingProblem(b: MessagesBody): string | undefined {
  if (b.thinking?.type !== 'enabled') return undefined;
  const budget = b.thinking.budget_tokens;
  if (!Number.isInteger(budget)) return 'thinking.enabled.budget_tokens: Field required';
  if ((budget as number) < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
  if ((budget as number) >= (b.max_tokens as number)) {
    return '`max_tokens` must be greater than `thinking.budget_tokens`';
  }
  return unthoughtToolTurn(b.messages as unknown[]);
}

function textLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + textLength(item), 0);
  if (!value || typeof value !== 'object') return 0;
  const block = value as { text?: unknown; content?: unknown };
  return (typeof block.text === 'string' ? block.text.length : 0) + textLength(block.content);
}

/**
 * The fake's input token count: one token per 4 characters (rounded up) of the text in `system` and the
 * messages (string contents, and `text` of blocks, including inside tool_result content). Tests compute the
 * expected answer with this same function.
 */
export function countInputTokens(body: { system?: unknown; messages?: unknown }): number {
  return Math.ceil((textLength(body.system) + textLength(body.messages)) / 4);
}
