import { mayHoldUnsignedThinking, withoutUnsignedThinking } from './unsigned-thinking.js';

/**
 * Messages with `role: "system"` in an Anthropic Messages body. Claude Code (2.1.332) sends its environment as
 * such a message, after the first user turn, whenever it does not recognise the model name (a route named
 * `my-sonnet`); Claude models that take only `user` and `assistant` turns refuse every such request ("Unexpected
 * role"), and the session stops. An Anthropic passthrough therefore moves them into the top-level `system`
 * prompt, after what it already holds and in order, as the translated routes do (Bedrock's Claude included).
 * Their blocks keep their cache marks, so the request has as many as before.
 */

/** The role as JSON writers spell it (compact, and Python's default separators). */
const SYSTEM_ROLES = [Buffer.from('"role":"system"'), Buffer.from('"role": "system"')];

/** A byte search, so that a request without such a message pays no walk over its messages. */
export function mayHoldSystemMessage(raw: Buffer): boolean {
  return SYSTEM_ROLES.some((needle) => raw.includes(needle));
}

type Message = { role?: unknown; content?: unknown };

function blocksOf(content: unknown): unknown[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return Array.isArray(content) ? [...content] : [];
}

/** The body with its system messages moved into `system`, or undefined when it has none. */
export function withSystemMessagesHoisted(body: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!Array.isArray(body.messages)) return undefined;
  const messages = body.messages as Message[];
  if (!messages.some((message) => message?.role === 'system')) return undefined;
  const system = blocksOf(body.system);
  const kept: Message[] = [];
  for (const message of messages) {
    if (message?.role === 'system') system.push(...blocksOf(message.content));
    else kept.push(message);
  }
  return { ...body, system, messages: kept };
}

/**
 * The body an Anthropic target is sent instead of the client's bytes, or undefined when they go as they are:
 * unsigned thinking taken out (unsigned-thinking.ts) and system messages moved into `system`.
 */
export function passthroughEdits(body: Record<string, unknown>, raw: Buffer): Record<string, unknown> | undefined {
  const cleaned = mayHoldUnsignedThinking(raw) ? withoutUnsignedThinking(body) : undefined;
  if (!mayHoldSystemMessage(raw)) return cleaned;
  return withSystemMessagesHoisted(cleaned ?? body) ?? cleaned;
}
