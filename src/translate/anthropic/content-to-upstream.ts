import { errors } from '../../errors/codes.js';
import type {
  IrCacheControl,
  IrDocumentPart,
  IrImagePart,
  IrMessage,
  IrPart,
  IrTextPart,
  IrToolResultPart,
} from '../ir/types.js';
import { standardImageType } from '../shared/image-media-type.js';
import type { ToolNameReport } from '../shared/tool-names.js';
import { anthropicToolId } from './tool-id.js';
import { inputFromArguments } from './tool-input.js';
import type {
  AnthropicCacheControl,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicMessageParam,
  AnthropicRequestBlock,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
} from './wire-types.js';

/**
 * IR messages -> Anthropic `messages`. Anthropic's rules shape this:
 * - roles must alternate, so consecutive messages of one role are merged into one;
 * - tool results go first in their user message (before any text);
 * - empty text blocks are refused, so empty text (e.g. a Chat assistant's `content: ""` next to tool calls)
 *   is left out, and a message left with no content is dropped;
 * - earlier thinking is sent only when it carries Anthropic's signature (unsigned thinking, e.g. from an
 *   OpenAI-compatible model, would be refused); redacted thinking is always sent back;
 * - tool ids Anthropic's pattern refuses are rewritten (tool-id.ts), in calls and results alike;
 * - image `detail` has no Anthropic equivalent and is dropped; data: URLs become base64 sources; the common
 *   but non-standard `image/jpg` (which OpenAI reads) is sent as `image/jpeg`, the only name Anthropic takes.
 */

const IMAGE_MEDIA_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function cacheControl(hint: IrCacheControl | undefined): { cache_control?: AnthropicCacheControl } {
  if (!hint) return {};
  return { cache_control: hint.ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: hint.ttl } };
}

function unsupported(message: IrMessage, what: string): never {
  throw errors.invalidBody(`${message.path ?? 'a message'}: ${what}`, 'messages');
}

function textBlock(part: IrTextPart): AnthropicTextBlock {
  return { type: 'text', text: part.text, ...cacheControl(part.cacheControl) };
}

function imageBlock(part: IrImagePart, message: IrMessage): AnthropicImageBlock {
  let source = part.source;
  const dataUrl = source.kind === 'url' ? DATA_URL.exec(source.url) : null;
  if (dataUrl) source = { kind: 'base64', mediaType: dataUrl[1] ?? '', data: dataUrl[2] ?? '' };
  if (source.kind === 'url')
    return { type: 'image', source: { type: 'url', url: source.url }, ...cacheControl(part.cacheControl) };
  const mediaType = standardImageType(source.mediaType);
  if (!IMAGE_MEDIA_TYPES.has(mediaType)) {
    unsupported(message, `Anthropic accepts JPEG, PNG, GIF and WebP images, not '${source.mediaType}'`);
  }
  return {
    type: 'image',
    source: { type: 'base64', media_type: mediaType, data: source.data },
    ...cacheControl(part.cacheControl),
  };
}

function documentSource(part: IrDocumentPart, message: IrMessage): AnthropicDocumentBlock['source'] {
  const source = part.source;
  if (source.kind === 'url') return { type: 'url', url: source.url };
  if (source.kind === 'text') return { type: 'text', media_type: 'text/plain', data: source.text };
  if (source.mediaType === 'application/pdf')
    return { type: 'base64', media_type: 'application/pdf', data: source.data };
  if (source.mediaType === 'text/plain') {
    return { type: 'text', media_type: 'text/plain', data: Buffer.from(source.data, 'base64').toString('utf8') };
  }
  return unsupported(message, `Anthropic accepts PDF and plain-text documents, not '${source.mediaType}'`);
}

function documentBlock(part: IrDocumentPart, message: IrMessage): AnthropicDocumentBlock {
  const block: AnthropicDocumentBlock = { type: 'document', source: documentSource(part, message) };
  if (part.title !== undefined) block.title = part.title;
  return { ...block, ...cacheControl(part.cacheControl) };
}

function toolResultBlock(part: IrToolResultPart, message: IrMessage): AnthropicToolResultBlock {
  const content = part.content
    .filter((item) => item.type !== 'text' || item.text !== '')
    .map((item) =>
      item.type === 'text'
        ? textBlock(item)
        : item.type === 'image'
          ? imageBlock(item, message)
          : documentBlock(item, message),
    );
  const block: AnthropicToolResultBlock = { type: 'tool_result', tool_use_id: anthropicToolId(part.toolCallId) };
  if (content.length > 0) block.content = content;
  if (part.isError) block.is_error = true;
  return { ...block, ...cacheControl(part.cacheControl) };
}

function toBlock(part: IrPart, message: IrMessage, toolNames: ToolNameReport): AnthropicRequestBlock | undefined {
  switch (part.type) {
    case 'text':
      return part.text === '' ? undefined : textBlock(part);
    case 'image':
      return imageBlock(part, message);
    case 'document':
      return documentBlock(part, message);
    case 'tool_call':
      return {
        type: 'tool_use',
        id: anthropicToolId(part.id),
        name: toolNames.upstream(part.name),
        input: inputFromArguments(part.arguments),
      };
    case 'tool_result':
      return toolResultBlock(part, message);
    case 'thinking':
      return part.signature ? { type: 'thinking', thinking: part.text, signature: part.signature } : undefined;
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: part.data };
  }
}

function toolResultsFirst(blocks: AnthropicRequestBlock[]): AnthropicRequestBlock[] {
  const results = blocks.filter((block) => block.type === 'tool_result');
  return results.length === 0 ? blocks : [...results, ...blocks.filter((block) => block.type !== 'tool_result')];
}

export function buildAnthropicMessages(
  messages: readonly IrMessage[],
  toolNames: ToolNameReport,
): AnthropicMessageParam[] {
  const merged: AnthropicMessageParam[] = [];
  for (const message of messages) {
    // Anthropic takes one top-level system prompt: the request builder moves these there (systemTexts).
    if (message.role === 'system') continue;
    const role = message.role;
    const blocks = message.content.flatMap((part) => toBlock(part, message, toolNames) ?? []);
    if (blocks.length === 0) continue;
    const last = merged.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else merged.push({ role, content: blocks });
  }
  return merged.map((m) => (m.role === 'user' ? { role: 'user', content: toolResultsFirst(m.content) } : m));
}
