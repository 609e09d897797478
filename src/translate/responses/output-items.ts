import type { IrResponse, IrTokenLogprob } from '../ir/types.js';
import { customInput } from './custom-tools.js';
import { envelopeForRedactedThinking, envelopeForThinking } from './reasoning-envelope.js';
import type { ClientToolName, ClientToolNames } from './tool-namespaces.js';
import type {
  CustomToolCallItem,
  EventLogprob,
  FunctionCallItem,
  ItemStatus,
  MessageItem,
  OutputItem,
  OutputTextPart,
  ReasoningItem,
} from './wire.js';

/**
 * Output items built from IR parts, shared by the JSON and the stream encoders so both answer alike: every IR
 * text part is one assistant message with one output_text part, every tool call one function_call item (a
 * custom_tool_call item for a custom tool), every
 * thinking part one reasoning item whose summary holds the text (none when the text is empty) and whose
 * encrypted_content holds the gateway envelope the next request sends back.
 */
export function outputText(text: string, logprobs: readonly IrTokenLogprob[] = []): OutputTextPart {
  const shaped = logprobs.map(({ token, bytes, logprob, top }) => ({ token, bytes, logprob, top_logprobs: top }));
  return { type: 'output_text', text, annotations: [], logprobs: shaped };
}

/** Log probabilities as `response.output_text.delta` and `.done` events carry them. */
export function eventLogprobs(logprobs: readonly IrTokenLogprob[] = []): EventLogprob[] {
  return logprobs.map(({ token, logprob, top }) => ({
    token,
    logprob,
    top_logprobs: top.map((alternative) => ({ token: alternative.token, logprob: alternative.logprob })),
  }));
}

export function messageItem(
  id: string,
  status: ItemStatus,
  text?: string,
  logprobs?: readonly IrTokenLogprob[],
): MessageItem {
  const content = text === undefined ? [] : [outputText(text, logprobs)];
  return { id, type: 'message', status, role: 'assistant', content };
}

export function functionCallItem(
  id: string,
  status: ItemStatus,
  callId: string,
  tool: ClientToolName,
  args: string,
): FunctionCallItem | CustomToolCallItem {
  if (tool.custom)
    return { id, type: 'custom_tool_call', status, call_id: callId, name: tool.name, input: customInput(args) };
  const namespace = tool.namespace === undefined ? {} : { namespace: tool.namespace };
  return { id, type: 'function_call', status, call_id: callId, name: tool.name, ...namespace, arguments: args };
}

export function reasoningItem(id: string, text: string, encrypted?: string): ReasoningItem {
  const item: ReasoningItem = { id, type: 'reasoning', summary: text === '' ? [] : [{ type: 'summary_text', text }] };
  if (encrypted !== undefined) item.encrypted_content = encrypted;
  return item;
}

type ContentPart = IrResponse['content'][number];

/** The output items of a finished response; when it is incomplete, the last item is the one cut short. */
export function outputItems(
  content: IrResponse['content'],
  incomplete: boolean,
  newId: (prefix: string) => string,
  toolNames: ClientToolNames,
): OutputItem[] {
  return content.map((part, index) =>
    itemOf(part, incomplete && index === content.length - 1 ? 'incomplete' : 'completed', newId, toolNames),
  );
}

function itemOf(
  part: ContentPart,
  status: ItemStatus,
  newId: (prefix: string) => string,
  toolNames: ClientToolNames,
): OutputItem {
  switch (part.type) {
    case 'text':
      return messageItem(newId('msg_'), status, part.text, part.logprobs);
    case 'tool_call':
      return functionCallItem(newId('fc_'), status, part.id, toolNames(part.name), part.arguments);
    case 'thinking':
      return reasoningItem(newId('rs_'), part.text, envelopeForThinking(part.text, part.signature));
    case 'redacted_thinking':
      return reasoningItem(newId('rs_'), '', envelopeForRedactedThinking(part.data));
  }
}
