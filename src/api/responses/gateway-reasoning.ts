import { isGatewayEnvelope } from '../../translate/responses/reasoning-envelope.js';

/**
 * Reasoning the gateway handed a Responses client from a model of another type: its `encrypted_content` is the
 * gateway's `amg1:` envelope (translate/responses/reasoning-envelope.ts), not content OpenAI's servers minted.
 * A stateless client (Codex) sends every output item back, so when its conversation moves to a provider's own
 * Responses API (a `/model` switch, a fallback), that API would refuse the whole request with 400
 * `invalid_encrypted_content`. The passthrough forwards the client's bytes, so it leaves such items out here,
 * as the translated path leaves out OpenAI's encrypted reasoning toward other providers.
 */

/** The envelope as it opens a JSON string: a byte search, so a request without one pays no walk over its input. */
const ENVELOPE_VALUE = Buffer.from('"amg1:');

export function mayHoldGatewayReasoning(raw: Buffer): boolean {
  return raw.includes(ENVELOPE_VALUE);
}

type Item = { type?: unknown; encrypted_content?: unknown };

function isGatewayReasoning(item: Item): boolean {
  return (
    item?.type === 'reasoning' &&
    typeof item.encrypted_content === 'string' &&
    isGatewayEnvelope(item.encrypted_content)
  );
}

/** The body without reasoning items in the gateway's envelope, or undefined when it has none. */
export function withoutGatewayReasoning(body: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  if (!Array.isArray(body.input)) return undefined;
  const input = body.input as Item[];
  if (!input.some(isGatewayReasoning)) return undefined;
  return { ...body, input: input.filter((item) => !isGatewayReasoning(item)) };
}
