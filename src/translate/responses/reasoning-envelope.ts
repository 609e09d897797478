import { errors } from '../../errors/codes.js';
import type { IrRedactedThinkingPart, IrThinkingPart } from '../ir/types.js';
import { isJsonObject } from './field-readers.js';

/**
 * Responses clients carry reasoning between turns in a reasoning item's opaque `encrypted_content`. The gateway
 * stores there what an Anthropic upstream needs back unchanged: `"amg1:" + base64url(JSON)` of `{t: text,
 * s: signature}` for thinking, or `{r: data}` for redacted thinking. It is not encrypted (the client already
 * saw the summary text); it is only opaque, and the prefix tells it apart from OpenAI's own encrypted content.
 */
const PREFIX = 'amg1:';

function wrap(payload: Record<string, string | undefined>): string {
  return PREFIX + Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export function envelopeForThinking(text: string, signature: string | undefined): string {
  return wrap({ t: text, s: signature });
}

export function envelopeForRedactedThinking(data: string): string {
  return wrap({ r: data });
}

export function isGatewayEnvelope(encrypted: string): boolean {
  return encrypted.startsWith(PREFIX);
}

/**
 * The thinking part a gateway envelope holds. Throws a 400 naming `path` when the text has the gateway's
 * prefix but is damaged, since forwarding half of it would make the upstream reject the signature anyway.
 */
export function openEnvelope(encrypted: string, path: string): IrThinkingPart | IrRedactedThinkingPart {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(encrypted.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    payload = undefined;
  }
  if (isJsonObject(payload)) {
    const { t, s, r } = payload;
    if (typeof r === 'string') return { type: 'redacted_thinking', data: r };
    if (typeof t === 'string' && (s === undefined || typeof s === 'string')) {
      return s === undefined ? { type: 'thinking', text: t } : { type: 'thinking', text: t, signature: s };
    }
  }
  throw errors.invalidBody(
    `'${path}' starts with the gateway's "${PREFIX}" prefix but is damaged; send back the encrypted_content exactly as the gateway returned it`,
    path,
  );
}
