import { errors } from '../../errors/codes.js';
import type { IrResponse } from '../ir/types.js';
import { isObject, type JsonObject } from './body-reader.js';
import { stopReasonFromAnthropic } from './stop-reason.js';
import { argumentsFromInput } from './tool-input.js';
import { usageFromAnthropic } from './usage.js';

/**
 * Decodes a Messages response (a `Message` JSON) into the IR. Text citations are dropped: the gateway never
 * turns citations on, so they only appear if a provider adds them unasked. Block types the gateway never asks
 * for (server tool use and results) are skipped.
 */

type IrContent = IrResponse['content'][number];

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function decodeBlock(block: JsonObject): IrContent | undefined {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: text(block.text) };
    case 'thinking': {
      const signature = text(block.signature);
      return signature
        ? { type: 'thinking', text: text(block.thinking), signature }
        : { type: 'thinking', text: text(block.thinking) };
    }
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: text(block.data) };
    case 'tool_use':
      return {
        type: 'tool_call',
        id: text(block.id),
        name: text(block.name),
        arguments: argumentsFromInput(block.input),
      };
    default:
      return undefined;
  }
}

export function decodeAnthropicResponse(body: unknown): IrResponse {
  if (!isObject(body) || !Array.isArray(body.content)) {
    throw errors.upstreamFailed('the upstream returned a Messages response without content', 502);
  }
  const content = body.content.flatMap((block: unknown) => (isObject(block) ? (decodeBlock(block) ?? []) : []));
  const response: IrResponse = {
    id: text(body.id),
    model: text(body.model),
    content,
    stopReason: stopReasonFromAnthropic(body.stop_reason),
    usage: usageFromAnthropic(body.usage),
  };
  if (typeof body.stop_sequence === 'string') response.stopSequence = body.stop_sequence;
  return response;
}
