import { errors } from '../../errors/codes.js';
import type { IrReasoning, IrRequest, IrResponseFormat } from '../ir/types.js';
import { HintReport } from '../shared/hint-report.js';
import { irVerbosity } from '../shared/verbosity.js';
import { asObject, type Json, optBoolean, optEnum, optString, reqString } from './field-readers.js';

/**
 * `text` and `reasoning` as IR. Mapping choices: `reasoning.effort: "none"` asks for no reasoning (IR effort `none`:
 * nothing toward upstreams that think only when asked, the least thinking toward Gemini); `generate_summary` is the deprecated name of `summary`. Efforts above
 * `high` (`xhigh`, which Codex offers, and `max`) read as `high`, the deepest every upstream takes, as they do
 * for Anthropic clients (strict translation refuses them). A reasoning `context` or `mode` is rejected.
 */
export function parseTextFormat(value: unknown): IrResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const text = asObject(value, 'text');
  if (text.format === undefined || text.format === null) return undefined;
  return formatOf(asObject(text.format, 'text.format'));
}

/** `text.verbosity`, a style hint each upstream builder sends or drops (shared/verbosity.ts). */
export function parseVerbosity(value: unknown): IrRequest['verbosity'] {
  if (value === undefined || value === null) return undefined;
  return irVerbosity(optEnum(asObject(value, 'text'), 'verbosity', 'text', ['low', 'medium', 'high'] as const));
}

function formatOf(format: Json): IrResponseFormat {
  const path = 'text.format';
  const type = reqString(format, 'type', path);
  if (type === 'text' || type === 'json_object') return { type };
  if (type !== 'json_schema') {
    throw errors.invalidBody(
      `unsupported text.format type '${type}'; use text, json_object or json_schema`,
      `${path}.type`,
    );
  }
  const result: IrResponseFormat = {
    type: 'json_schema',
    name: reqString(format, 'name', path),
    schema: { ...asObject(format.schema, `${path}.schema`) },
  };
  const strict = optBoolean(format, 'strict', path);
  const description = optString(format, 'description', path);
  if (strict !== undefined) result.strict = strict;
  if (description !== undefined) result.description = description;
  return result;
}

const EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const;
const SUMMARIES = ['auto', 'concise', 'detailed'] as const;

export function parseReasoning(value: unknown, hints: HintReport = new HintReport()): IrReasoning | undefined {
  if (value === undefined || value === null) return undefined;
  const reasoning = asObject(value, 'reasoning');
  rejectUnless(reasoning, 'context', 'auto');
  rejectUnless(reasoning, 'mode', 'standard');
  const asked = optEnum(reasoning, 'effort', 'reasoning', EFFORTS);
  if (asked === 'none') return { effort: 'none' };
  if (asked === 'xhigh' || asked === 'max') {
    hints.mapUnlessStrict(() =>
      errors.invalidBody(
        `reasoning.effort '${asked}' has no equivalent upstream; use 'minimal', 'low', 'medium' or 'high'`,
        'reasoning.effort',
      ),
    );
  }
  const effort = asked === 'xhigh' || asked === 'max' ? 'high' : asked;
  const summary =
    optEnum(reasoning, 'summary', 'reasoning', SUMMARIES) ??
    optEnum(reasoning, 'generate_summary', 'reasoning', SUMMARIES);
  const result: IrReasoning = {};
  if (effort !== undefined) result.effort = effort;
  if (summary !== undefined) result.summary = summary;
  return effort === undefined && summary === undefined ? undefined : result;
}

function rejectUnless(reasoning: Json, key: string, harmless: string): void {
  const value = optString(reasoning, key, 'reasoning');
  if (value !== undefined && value !== harmless) {
    throw errors.invalidBody(
      `reasoning.${key} '${value}' is specific to OpenAI and cannot be passed to the upstream`,
      `reasoning.${key}`,
    );
  }
}
