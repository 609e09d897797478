import { errors } from '../../errors/codes.js';
import type { IrResponse } from '../ir/types.js';
import { failedStopMessage, isFailedStop, stopFromBedrock, stopSequenceFromBedrock } from './stop-reason.js';
import { usageFromBedrock } from './usage.js';
import type { BedrockContentBlock, BedrockConverseResponse } from './wire-types.js';

type Content = IrResponse['content'][number];

function contentOf(block: BedrockContentBlock): Content | undefined {
  if ('text' in block) return { type: 'text', text: block.text };
  if ('toolUse' in block) {
    const { toolUseId, name, input } = block.toolUse;
    return { type: 'tool_call', id: toolUseId, name, arguments: JSON.stringify(input ?? {}) };
  }
  if ('reasoningContent' in block) {
    const { reasoningText, redactedContent } = block.reasoningContent;
    if (redactedContent !== undefined) return { type: 'redacted_thinking', data: redactedContent };
    if (reasoningText) {
      return reasoningText.signature
        ? { type: 'thinking', text: reasoningText.text, signature: reasoningText.signature }
        : { type: 'thinking', text: reasoningText.text };
    }
  }
  return undefined;
}

/**
 * A Converse answer as IR. Converse answers carry no id or model: the gateway's encoder supplies an id, and the
 * model is the one the request was sent to (what `x-gateway-model` says), as other upstreams name theirs.
 */
export function decodeBedrockResponse(body: unknown, upstreamModel: string): IrResponse {
  if (body === null || typeof body !== 'object') throw errors.upstreamFailed('Bedrock answered without an object', 502);
  const response = body as BedrockConverseResponse;
  // Normally caught when the answer is read ahead (bedrockFailedAnswer); this is for an answer too long for that.
  if (isFailedStop(response.stopReason))
    throw errors.upstreamFailed(failedStopMessage(response.stopReason as string), 502);
  const content: Content[] = [];
  for (const block of response.output?.message?.content ?? []) {
    const item = contentOf(block);
    if (item) content.push(item);
  }
  const stopReason = stopFromBedrock(
    response.stopReason,
    content.some((item) => item.type === 'tool_call'),
  );
  const stopSequence =
    stopReason === 'stop_sequence' ? stopSequenceFromBedrock(response.additionalModelResponseFields) : undefined;
  return {
    id: '',
    model: upstreamModel,
    content,
    stopReason,
    ...(stopSequence === undefined ? {} : { stopSequence }),
    usage: usageFromBedrock(response.usage),
  };
}
