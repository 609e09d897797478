import { errors } from '../../errors/codes.js';
import type {
  IrDocumentPart,
  IrImagePart,
  IrMessage,
  IrPart,
  IrRequest,
  IrTextPart,
  IrToolCallPart,
  IrToolResultPart,
} from '../ir/types.js';
import { toDataUrl } from './data-url.js';
import type { ChatContentPart, ChatMessage, ChatToolCall } from './wire.js';

/**
 * IR system prompt + messages -> Chat `messages` for an OpenAI-compatible upstream.
 *
 * - The system prompt is one leading `system` message, its parts joined by a blank line (string content,
 *   which every compatible server accepts).
 * - Tool results become `tool` messages, in order, ahead of whatever else the IR user message holds. A
 *   result marked as an error is prefixed with TOOL_ERROR_MARKER, since Chat has no error flag. `tool`
 *   messages hold only text, so images and documents in a tool result (Claude Code's Read tool on a PNG or a
 *   PDF) go into a `user` message right after the tool messages, introduced by a line naming the call.
 * - Thinking from earlier turns is not sent: standard Chat has no input form for it (OpenAI, Cerebras and
 *   Bedrock refuse one). An assistant turn that held nothing else is left out. A provider set to
 *   `sendReasoningContent` (DeepSeek, Kimi and GLM refuse a tool-call turn without its reasoning in thinking
 *   mode) gets the thinking text as `reasoning_content`, and always on tool-call turns, empty when there was none;
 *   redacted thinking has no text and is never sent.
 * - Images are `image_url` parts (base64 as a data: URL); documents are `file` parts with a data: URL
 *   (a default file name when the IR has no title, as OpenAI requires one). A text document becomes a text
 *   part headed by its title. A document given by URL cannot be sent, as Chat has no URL form for files.
 * - Prompt-cache hints are dropped: OpenAI caches prompt prefixes automatically.
 */

export const TOOL_ERROR_MARKER = '[tool error] ';

const IMAGES_FOLLOW = '(the result is the image content in the next message)';
const FILES_FOLLOW = '(the result is the file content in the next message)';

function cannotSend(message: IrMessage, what: string): never {
  const where = message.path ?? 'messages';
  throw errors.invalidBody(`${where} holds ${what}, which this OpenAI-compatible upstream cannot take`, where);
}

function imagePart(part: IrImagePart): ChatContentPart {
  const url = part.source.kind === 'url' ? part.source.url : toDataUrl(part.source.mediaType, part.source.data);
  return { type: 'image_url', image_url: part.detail ? { url, detail: part.detail } : { url } };
}

function defaultFilename(mediaType: string): string {
  return mediaType === 'application/pdf' ? 'document.pdf' : 'document.txt';
}

function documentPart(part: IrDocumentPart, message: IrMessage): ChatContentPart {
  const source = part.source;
  if (source.kind === 'text') {
    return { type: 'text', text: part.title ? `${part.title}\n\n${source.text}` : source.text };
  }
  if (source.kind === 'url') return cannotSend(message, `a document given by URL (${source.url})`);
  const filename = part.title ?? defaultFilename(source.mediaType);
  return { type: 'file', file: { file_data: toDataUrl(source.mediaType, source.data), filename } };
}

function userPart(part: IrPart, message: IrMessage): ChatContentPart {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image':
      return imagePart(part);
    case 'document':
      return documentPart(part, message);
    default:
      return cannotSend(message, `a ${part.type} part in a user turn`);
  }
}

function joinText(parts: readonly IrTextPart[], separator: string): string {
  return parts.map((part) => part.text).join(separator);
}

function toolMessage(result: IrToolResultPart): ChatMessage {
  const texts = result.content.filter((part): part is IrTextPart => part.type === 'text');
  const media = result.content.filter((part) => part.type !== 'text');
  const follows = media.every((part) => part.type === 'image') ? IMAGES_FOLLOW : FILES_FOLLOW;
  const text = texts.length > 0 || media.length === 0 ? joinText(texts, '\n\n') : follows;
  const content = result.isError ? `${TOOL_ERROR_MARKER}${text}` : text;
  return { role: 'tool', tool_call_id: result.toolCallId, content };
}

/** A tool result's images and documents, which a `tool` message cannot hold, for the user message after it. */
function toolMedia(result: IrToolResultPart, message: IrMessage): ChatContentPart[] {
  const media = result.content.filter((part) => part.type !== 'text');
  if (media.length === 0) return [];
  const heading = media.every((part) => part.type === 'image') ? 'Images' : 'Files';
  return [
    { type: 'text', text: `${heading} from tool call ${result.toolCallId}:` },
    ...media.map((part) => userPart(part, message)),
  ];
}

function userContent(parts: ChatContentPart[]): string | ChatContentPart[] {
  const only = parts[0];
  return parts.length === 1 && only?.type === 'text' ? only.text : parts;
}

function pushUser(out: ChatMessage[], message: IrMessage): void {
  const results = message.content.filter((part): part is IrToolResultPart => part.type === 'tool_result');
  for (const result of results) out.push(toolMessage(result));
  const parts = [
    ...results.flatMap((result) => toolMedia(result, message)),
    ...message.content.filter((part) => part.type !== 'tool_result').map((part) => userPart(part, message)),
  ];
  if (parts.length > 0) out.push({ role: 'user', content: userContent(parts) });
}

function toolCall(part: IrToolCallPart): ChatToolCall {
  return { id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } };
}

function pushAssistant(out: ChatMessage[], message: IrMessage, sendReasoning: boolean): void {
  const texts: IrTextPart[] = [];
  const thoughts: string[] = [];
  const calls: ChatToolCall[] = [];
  for (const part of message.content) {
    if (part.type === 'text') texts.push(part);
    else if (part.type === 'tool_call') calls.push(toolCall(part));
    else if (part.type === 'thinking') thoughts.push(part.text);
    else if (part.type !== 'redacted_thinking') cannotSend(message, `a ${part.type} part in an assistant turn`);
  }
  if (texts.length === 0 && calls.length === 0) return;
  const content = texts.length > 0 ? joinText(texts, '') : null;
  const sent: ChatMessage =
    calls.length > 0 ? { role: 'assistant', content, tool_calls: calls } : { role: 'assistant', content };
  if (sendReasoning && (calls.length > 0 || thoughts.length > 0)) sent.reasoning_content = thoughts.join('');
  out.push(sent);
}

/** An instruction from the middle of the conversation stays where it was given. */
function pushSystem(out: ChatMessage[], message: IrMessage): void {
  const texts = message.content.filter((part): part is IrTextPart => part.type === 'text' && part.text !== '');
  if (texts.length > 0) out.push({ role: 'system', content: joinText(texts, '\n\n') });
}

/** `sendReasoning`: send earlier thinking back as `reasoning_content` (see above). */
export function chatMessages(request: IrRequest, sendReasoning = false): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (request.system.length > 0) out.push({ role: 'system', content: joinText(request.system, '\n\n') });
  for (const message of request.messages) {
    if (message.role === 'assistant') pushAssistant(out, message, sendReasoning);
    else if (message.role === 'system') pushSystem(out, message);
    else pushUser(out, message);
  }
  return out;
}
