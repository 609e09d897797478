import { errors } from '../../errors/codes.js';
import type { IrRequest } from '../ir/types.js';
import type { HintReport } from './hint-report.js';

/**
 * For an upstream with neither seeded sampling nor penalties (Anthropic, Bedrock Converse). A penalty changes
 * what the model writes, so it is refused with a 400 naming it; a seed only asks for best-effort repeatability
 * (OpenAI's own words), so it is a hint: dropped and reported, refused under strict translation.
 */
export function refuseUnsupportedSampling(request: IrRequest, upstream: string, hints: HintReport | undefined): void {
  for (const field of ['presencePenalty', 'frequencyPenalty'] as const) {
    const value = request[field];
    if (value !== undefined && value !== 0) {
      throw errors.invalidBody(
        `${upstream} has no ${field === 'presencePenalty' ? 'presence' : 'frequency'} penalty`,
        field,
      );
    }
  }
  if (request.seed === undefined) return;
  const refusal = () => errors.invalidBody(`${upstream} has no seeded sampling`, 'seed');
  if (hints) hints.dropUnlessStrict('seed', refusal);
}

/**
 * Refuses an assistant prefill (the last message, to be continued) for an upstream that cannot continue one:
 * OpenAI's Chat Completions takes a final assistant message as an earlier turn and answers anew.
 */
export function refusePrefill(request: IrRequest, upstream: string): void {
  if (!request.prefill) return;
  const index = request.messages.length - 1;
  const path = request.messages[index]?.path ?? `messages[${index}]`;
  throw errors.invalidBody(
    `${path}: ${upstream} cannot continue a final assistant message (prefill); it would answer anew. Remove the prefill or use an Anthropic model`,
    path,
  );
}

/** Refuses a request for log probabilities toward an upstream that returns none (only Chat Completions does). */
export function refuseLogprobs(request: IrRequest, upstream: string): void {
  if (!request.logprobs) return;
  throw errors.invalidBody(
    `log probabilities cannot be had from ${upstream}: the gateway returns them only from OpenAI-compatible (Chat Completions) models`,
    'logprobs',
  );
}
