import { canThink } from '../../translate/anthropic/request-to-upstream.js';

/**
 * Thinking the gateway handed an Anthropic client with an empty signature: reasoning from a model of another
 * type (Gemini, an OpenAI-compatible model), which the Messages schema makes carry a signature. A client sends
 * it back as it came, and when that conversation reaches Claude (a `/model` switch, a fallback), Claude refuses
 * a thinking block it did not sign. The passthrough forwards the client's bytes, so it drops such blocks here;
 * and when the tool turn being continued is then left without thinking first, it turns thinking off for that
 * request, as Claude would refuse it (the translated path does the same: translate/anthropic/request-to-upstream).
 */

/** The empty signature as JSON writers spell it (compact, and Python's default separators). */
const EMPTY_SIGNATURES = [Buffer.from('"signature":""'), Buffer.from('"signature": ""')];

/** A byte search, so that a request without such a block pays no walk over its messages. */
export function mayHoldUnsignedThinking(raw: Buffer): boolean {
  return EMPTY_SIGNATURES.some((needle) => raw.includes(needle));
}

type Block = { type?: unknown; signature?: unknown };
type Message = { role?: unknown; content?: unknown };

function isUnsignedThinking(block: Block): boolean {
  return block?.type === 'thinking' && block.signature === '';
}

/** The body without unsigned thinking blocks (and without `thinking` where Claude would then refuse it), or undefined when it has none. */
export function withoutUnsignedThinking(body: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!Array.isArray(body.messages)) return undefined;
  let changed = false;
  const messages: Message[] = [];
  for (const message of body.messages as Message[]) {
    const content = message?.content;
    if (message?.role !== 'assistant' || !Array.isArray(content) || !content.some(isUnsignedThinking)) {
      messages.push(message);
      continue;
    }
    changed = true;
    const kept = (content as Block[]).filter((block) => !isUnsignedThinking(block));
    // A turn that was only unsigned thinking has nothing left to say.
    if (kept.length > 0) messages.push({ ...message, content: kept });
  }
  if (!changed) return undefined;
  const cleaned: Record<string, unknown> = { ...body, messages };
  if (cleaned.thinking !== undefined && !canThink(messages)) delete cleaned.thinking;
  return cleaned;
}
