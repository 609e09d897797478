import { errors } from '../../errors/codes.js';
import type {
  IrCacheControl,
  IrDocumentPart,
  IrDocumentSource,
  IrImagePart,
  IrImageSource,
  IrMessage,
  IrPart,
  IrTextPart,
  IrToolResultPart,
} from '../ir/types.js';
import { HintReport } from '../shared/hint-report.js';
import {
  type JsonObject,
  optional,
  readArray,
  readBoolean,
  readEnum,
  readObject,
  readString,
  reject,
  rejectUnknownKeys,
} from './body-reader.js';
import { argumentsFromInput } from './tool-input.js';

/**
 * Parses Anthropic message content into IR parts. Dropped as pure hints or history metadata (documented):
 * `cache_control` on tool_use blocks (the IR keeps it on text, image, document and tool_result), `citations`
 * on text blocks sent back from earlier turns, `caller` on tool_use blocks. Rejected, naming the path:
 * Files API sources, document `context`, document citations turned on, and every server-tool or other block
 * type that another provider cannot take.
 */

const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;

const BLOCKS_BY_ROLE: Record<IrMessage['role'], ReadonlySet<string>> = {
  user: new Set(['text', 'image', 'document', 'tool_result']),
  assistant: new Set(['text', 'tool_use', 'thinking', 'redacted_thinking']),
  system: new Set(['text']),
};

const keys = (...names: string[]): ReadonlySet<string> => new Set(['type', ...names]);

export function parseCacheControl(value: unknown, path: string): IrCacheControl | undefined {
  return optional(value, (v) => {
    const object = readObject(v, path);
    rejectUnknownKeys(object, keys('ttl'), path);
    readEnum(object.type, `${path}.type`, ['ephemeral']);
    const ttl = optional(object.ttl, (t) => readEnum(t, `${path}.ttl`, ['5m', '1h']));
    return ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl };
  });
}

export function parseTextBlock(block: JsonObject, path: string): IrTextPart {
  rejectUnknownKeys(block, keys('text', 'cache_control', 'citations'), path);
  const text = readString(block.text, `${path}.text`);
  const cacheControl = parseCacheControl(block.cache_control, `${path}.cache_control`);
  return cacheControl ? { type: 'text', text, cacheControl } : { type: 'text', text };
}

function parseImageSource(value: unknown, path: string): IrImageSource {
  const source = readObject(value, path);
  const type = readEnum(source.type, `${path}.type`, ['base64', 'url', 'file']);
  if (type === 'file') reject('Files API sources cannot be forwarded to another provider', `${path}.type`);
  if (type === 'url') {
    rejectUnknownKeys(source, keys('url'), path);
    return { kind: 'url', url: readString(source.url, `${path}.url`) };
  }
  rejectUnknownKeys(source, keys('media_type', 'data'), path);
  const mediaType = readEnum(source.media_type, `${path}.media_type`, IMAGE_MEDIA_TYPES);
  return { kind: 'base64', mediaType, data: readString(source.data, `${path}.data`) };
}

function parseImageBlock(block: JsonObject, path: string): IrImagePart {
  rejectUnknownKeys(block, keys('source', 'cache_control'), path);
  const source = parseImageSource(block.source, `${path}.source`);
  const cacheControl = parseCacheControl(block.cache_control, `${path}.cache_control`);
  return cacheControl ? { type: 'image', source, cacheControl } : { type: 'image', source };
}

function parseDocumentSource(value: unknown, path: string): IrDocumentSource {
  const source = readObject(value, path);
  const type = readEnum(source.type, `${path}.type`, ['base64', 'text', 'url', 'content', 'file']);
  if (type === 'file') reject('Files API sources cannot be forwarded to another provider', `${path}.type`);
  if (type === 'content')
    reject('content-block document sources have no equivalent on other providers', `${path}.type`);
  if (type === 'url') {
    rejectUnknownKeys(source, keys('url'), path);
    return { kind: 'url', url: readString(source.url, `${path}.url`) };
  }
  rejectUnknownKeys(source, keys('media_type', 'data'), path);
  const data = readString(source.data, `${path}.data`);
  if (type === 'text') {
    readEnum(source.media_type, `${path}.media_type`, ['text/plain']);
    return { kind: 'text', text: data };
  }
  const mediaType = readEnum(source.media_type, `${path}.media_type`, ['application/pdf']);
  return { kind: 'base64', mediaType, data };
}

function parseDocumentBlock(block: JsonObject, path: string): IrDocumentPart {
  rejectUnknownKeys(block, keys('source', 'title', 'cache_control', 'citations'), path);
  const citations = optional(block.citations, (c) => readObject(c, `${path}.citations`));
  if (citations && optional(citations.enabled, (e) => readBoolean(e, `${path}.citations.enabled`))) {
    reject('citations have no equivalent on other providers', `${path}.citations.enabled`);
  }
  const part: IrDocumentPart = { type: 'document', source: parseDocumentSource(block.source, `${path}.source`) };
  const title = optional(block.title, (t) => readString(t, `${path}.title`));
  const cacheControl = parseCacheControl(block.cache_control, `${path}.cache_control`);
  if (title !== undefined) part.title = title;
  if (cacheControl) part.cacheControl = cacheControl;
  return part;
}

/**
 * Claude Code's ToolSearch answers with `tool_reference` blocks, which load a deferred tool on Anthropic's API.
 * Translated, every tool already goes upstream in full (`defer_loading` is dropped, tools-from-client.ts), so
 * the reference means only what a line of text says: the tool is ready to call. Refusing it cost the agent
 * three failed turns before it gave up tool search.
 */
function toolReferenceText(block: JsonObject, path: string): IrTextPart {
  rejectUnknownKeys(block, keys('tool_name', 'cache_control'), path);
  const name = readString(block.tool_name, `${path}.tool_name`);
  return { type: 'text', text: `Tool ${name} is loaded: its definition is in the tool list; call it directly.` };
}

function parseToolResultContent(value: unknown, path: string): IrToolResultPart['content'] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  return readArray(value, path).map((item, i) => {
    const at = `${path}[${i}]`;
    const block = readObject(item, at);
    const type = readString(block.type, `${at}.type`);
    if (type === 'text') return parseTextBlock(block, at);
    if (type === 'image') return parseImageBlock(block, at);
    if (type === 'document') return parseDocumentBlock(block, at);
    if (type === 'tool_reference') return toolReferenceText(block, at);
    return reject(
      `'${type}' blocks inside a tool_result cannot be forwarded; use text, image or document`,
      `${at}.type`,
    );
  });
}

function parseToolResultBlock(block: JsonObject, path: string): IrToolResultPart {
  rejectUnknownKeys(block, keys('tool_use_id', 'content', 'is_error', 'cache_control'), path);
  const part: IrToolResultPart = {
    type: 'tool_result',
    toolCallId: readString(block.tool_use_id, `${path}.tool_use_id`),
    content: parseToolResultContent(block.content, `${path}.content`),
  };
  if (optional(block.is_error, (e) => readBoolean(e, `${path}.is_error`))) part.isError = true;
  const cacheControl = parseCacheControl(block.cache_control, `${path}.cache_control`);
  if (cacheControl) part.cacheControl = cacheControl;
  return part;
}

function parseBlock(value: unknown, role: IrMessage['role'], path: string): IrPart {
  const block = readObject(value, path);
  const type = readString(block.type, `${path}.type`);
  if (!BLOCKS_BY_ROLE.user.has(type) && !BLOCKS_BY_ROLE.assistant.has(type)) {
    reject(`'${type}' blocks cannot be forwarded to another provider`, `${path}.type`);
  }
  if (!BLOCKS_BY_ROLE[role].has(type)) reject(`'${type}' blocks are not allowed in ${role} messages`, `${path}.type`);
  switch (type) {
    case 'image':
      return parseImageBlock(block, path);
    case 'document':
      return parseDocumentBlock(block, path);
    case 'tool_result':
      return parseToolResultBlock(block, path);
    case 'tool_use':
      rejectUnknownKeys(block, keys('id', 'name', 'input', 'cache_control', 'caller'), path);
      return {
        type: 'tool_call',
        id: readString(block.id, `${path}.id`),
        name: readString(block.name, `${path}.name`),
        arguments: argumentsFromInput(readObject(block.input, `${path}.input`)),
      };
    case 'thinking': {
      rejectUnknownKeys(block, keys('thinking', 'signature'), path);
      const text = readString(block.thinking, `${path}.thinking`);
      const signature = optional(block.signature, (s) => readString(s, `${path}.signature`));
      return signature ? { type: 'thinking', text, signature } : { type: 'thinking', text };
    }
    case 'redacted_thinking':
      rejectUnknownKeys(block, keys('data'), path);
      return { type: 'redacted_thinking', data: readString(block.data, `${path}.data`) };
    default:
      return parseTextBlock(block, path);
  }
}

function parseContent(value: unknown, role: IrMessage['role'], path: string): IrPart[] {
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  return readArray(value, path).map((block, i) => parseBlock(block, role, `${path}[${i}]`));
}

/**
 * A `system` message in the middle of `messages` (Claude Code sends them) is an instruction given at that point:
 * it stays there as an IR system message. Strict translation refuses it, as the gateway did before.
 */
export function parseMessages(value: unknown, hints: HintReport = new HintReport()): IrMessage[] {
  const messages = readArray(value, 'messages');
  if (messages.length === 0) reject('at least one message is required', 'messages');
  return messages.map((item, i) => {
    const path = `messages[${i}]`;
    const message = readObject(item, path);
    rejectUnknownKeys(message, new Set(['role', 'content']), path);
    const role = readEnum(message.role, `${path}.role`, ['user', 'assistant', 'system']);
    if (role === 'system') {
      hints.mapUnlessStrict(() =>
        errors.invalidBody(`${path}.role: system prompts go in the top-level \`system\` field`, `${path}.role`),
      );
    }
    return { role, content: parseContent(message.content, role, `${path}.content`), path };
  });
}
