import { createHash } from 'node:crypto';
import type { UpstreamStreamDecoder } from '../contract.js';
import type { IrResponse, IrStreamEvent } from '../ir/types.js';

/**
 * Tool names an upstream takes. Clients name tools freely (an agent's MCP tools run to
 * `mcp__server__a_long_tool_name…`, past 64 characters, and may hold dots or slashes), while Gemini takes a
 * function name of at most 64 letters, digits, `_ . -` starting with a letter or `_`, Bedrock Converse a
 * toolSpec name of 1 to 64 characters from [a-zA-Z0-9_-], and Anthropic 1 to 128 from the same. A name the upstream would refuse goes as its allowed
 * characters (others become `_`) cut to leave room for a digest of the whole name: deterministic, so the history a
 * client sends back on a later turn maps the same way with no state kept, and distinct names stay distinct.
 * A name the upstream takes is sent as it is. The builder reports each rewrite (ToolNameReport) so that the
 * answer's tool calls go back to the client under the names it gave (restoredToolNames).
 */
export interface ToolNameRule {
  /** The whole name as the upstream takes it. */
  valid: RegExp;
  /** One character the upstream does not take (global). */
  outside: RegExp;
  maxLength: number;
}

/** The Gemini API also takes `:`; Vertex AI's reference leaves it out, so neither gets one (one codec serves both). */
export const GEMINI_TOOL_NAMES: ToolNameRule = {
  valid: /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/,
  outside: /[^A-Za-z0-9_.-]/g,
  maxLength: 64,
};

/** Anthropic's `^[a-zA-Z0-9_-]{1,128}$` (Claude on Vertex AI too): a dotted or slashed MCP name is refused. */
export const ANTHROPIC_TOOL_NAMES: ToolNameRule = {
  valid: /^[a-zA-Z0-9_-]{1,128}$/,
  outside: /[^a-zA-Z0-9_-]/g,
  maxLength: 128,
};

export const BEDROCK_TOOL_NAMES: ToolNameRule = {
  valid: /^[A-Za-z0-9_-]{1,64}$/,
  outside: /[^A-Za-z0-9_-]/g,
  maxLength: 64,
};

/** 12 hex characters: 48 bits of SHA-256, enough that the tools of one request do not meet by chance. */
const DIGEST_LENGTH = 12;

function upstreamToolName(name: string, rule: ToolNameRule): string {
  if (rule.valid.test(name)) return name;
  const digest = createHash('sha256').update(name).digest('hex').slice(0, DIGEST_LENGTH);
  const cleaned = name.replace(rule.outside, '_');
  // A letter or `_` first (Gemini's rule; Bedrock takes it too).
  const stem = /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
  return `${stem.slice(0, rule.maxLength - DIGEST_LENGTH - 1)}_${digest}`;
}

/** The rewrites of one request's tool names, upstream name -> client name. */
export class ToolNameReport {
  constructor(
    private readonly rule: ToolNameRule,
    private readonly renamed: Record<string, string> = {},
  ) {}

  /** The name to send for a client's tool name, recorded when it differs. */
  upstream(name: string): string {
    const sent = upstreamToolName(name, this.rule);
    if (sent !== name) this.renamed[sent] = name;
    return sent;
  }
}

/** A rewritten name back as the client gave it; any other name as it came. */
function clientName(name: string, rewrites: Readonly<Record<string, string>>): string {
  return Object.hasOwn(rewrites, name) ? (rewrites[name] as string) : name;
}

/** An answer's tool calls under the client's names. */
export function restoredToolNames(response: IrResponse, rewrites: Readonly<Record<string, string>>): IrResponse {
  if (Object.keys(rewrites).length === 0) return response;
  for (const part of response.content) if (part.type === 'tool_call') part.name = clientName(part.name, rewrites);
  return response;
}

/** A stream decoder whose tool-call starts carry the client's names. */
export function restoringToolNames(
  decoder: UpstreamStreamDecoder,
  rewrites: Readonly<Record<string, string>>,
): UpstreamStreamDecoder {
  if (Object.keys(rewrites).length === 0) return decoder;
  const restore = (events: IrStreamEvent[]) => {
    for (const event of events) {
      if (event.type === 'block_start' && event.block.type === 'tool_call') {
        event.block = { ...event.block, name: clientName(event.block.name, rewrites) };
      }
    }
    return events;
  };
  return { decode: (event) => restore(decoder.decode(event)), end: () => restore(decoder.end()) };
}
