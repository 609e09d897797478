import { errors } from '../../errors/codes.js';
import type { IrCacheControl, IrDocumentPart, IrImagePart, IrTextPart } from '../ir/types.js';
import { parseDataUrl } from './data-url.js';
import {
  expectArray,
  expectObject,
  isObject,
  type JsonObject,
  optionalEnum,
  optionalString,
  pathOf,
  requiredString,
  wrongType,
} from './field-readers.js';

/**
 * Content parts of Chat messages. Prompt-cache breakpoints (OpenAI's `prompt_cache_breakpoint`, or the
 * Anthropic-style `cache_control` some Chat clients send) become IR cache hints, so an Anthropic upstream
 * caches where the client asked.
 */

export type UserPart = IrTextPart | IrImagePart | IrDocumentPart;

function cacheHint(part: JsonObject): IrCacheControl | undefined {
  const control = part.cache_control;
  if (isObject(control) && control.type === 'ephemeral') {
    return typeof control.ttl === 'string' ? { type: 'ephemeral', ttl: control.ttl } : { type: 'ephemeral' };
  }
  return isObject(part.prompt_cache_breakpoint) ? { type: 'ephemeral' } : undefined;
}

function withCache<T extends { cacheControl?: IrCacheControl | undefined }>(part: T, source: JsonObject): T {
  const cacheControl = cacheHint(source);
  return cacheControl ? { ...part, cacheControl } : part;
}

function textPart(part: JsonObject, path: string): IrTextPart {
  return withCache<IrTextPart>({ type: 'text', text: requiredString(part, 'text', path) }, part);
}

function imagePart(part: JsonObject, path: string): IrImagePart {
  const imagePath = pathOf(path, 'image_url');
  const image = expectObject(part.image_url, imagePath);
  const url = requiredString(image, 'url', imagePath);
  const detail = optionalEnum(image, 'detail', imagePath, ['auto', 'low', 'high'] as const);
  const base = detail === undefined ? {} : { detail };
  if (/^https?:\/\//i.test(url))
    return withCache<IrImagePart>({ type: 'image', source: { kind: 'url', url }, ...base }, part);
  const inline = parseDataUrl(url);
  if (!inline) {
    const urlPath = pathOf(imagePath, 'url');
    throw errors.invalidBody(`'${urlPath}' must be an http(s) URL or a base64 data: URL`, urlPath);
  }
  const source = { kind: 'base64' as const, mediaType: inline.mediaType, data: inline.data };
  return withCache<IrImagePart>({ type: 'image', source, ...base }, part);
}

function filePart(part: JsonObject, path: string): IrDocumentPart {
  const filePath = pathOf(path, 'file');
  const file = expectObject(part.file, filePath);
  if (optionalString(file, 'file_id', filePath) !== undefined) {
    const idPath = pathOf(filePath, 'file_id');
    throw errors.invalidBody(
      `'${idPath}' refers to a file stored at OpenAI, which this model's provider cannot read; send the file inline as 'file_data'`,
      idPath,
    );
  }
  const dataPath = pathOf(filePath, 'file_data');
  const inline = parseDataUrl(requiredString(file, 'file_data', filePath));
  if (!inline) throw errors.invalidBody(`'${dataPath}' must be a base64 data: URL`, dataPath);
  const title = optionalString(file, 'filename', filePath);
  const source = { kind: 'base64' as const, mediaType: inline.mediaType, data: inline.data };
  return withCache<IrDocumentPart>({ type: 'document', source, ...(title === undefined ? {} : { title }) }, part);
}

function userPart(value: unknown, path: string): UserPart {
  const part = expectObject(value, path);
  const type = requiredString(part, 'type', path);
  switch (type) {
    case 'text':
      return textPart(part, path);
    case 'image_url':
      return imagePart(part, path);
    case 'file':
      return filePart(part, path);
    case 'input_audio':
      throw errors.invalidBody(`audio input is not supported for this model ('${path}.type')`, `${path}.type`);
    default:
      throw errors.invalidBody(`unknown content part type '${type}' at '${path}.type'`, `${path}.type`);
  }
}

/** A user message's `content`: a string or an array of text, image_url and file parts. */
export function userContent(message: JsonObject, path: string): UserPart[] {
  const contentPath = pathOf(path, 'content');
  const content = message.content;
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw wrongType(contentPath, 'a string or an array of content parts', content);
  return content.map((part, index) => userPart(part, `${contentPath}[${index}]`));
}

/** A `content` that may only hold text (system, developer and tool messages): a string or text parts. */
export function textContent(value: unknown, contentPath: string): IrTextPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  const parts = expectArray(value, contentPath);
  return parts.map((item, index) => {
    const path = `${contentPath}[${index}]`;
    const part = expectObject(item, path);
    const type = requiredString(part, 'type', path);
    if (type !== 'text') {
      throw errors.invalidBody(`'${path}.type' must be 'text' in this message, got '${type}'`, `${path}.type`);
    }
    return textPart(part, path);
  });
}

/** Text and refusal parts of an assistant message's `content` array, both read as text. */
export function assistantContentParts(parts: readonly unknown[], contentPath: string): IrTextPart[] {
  return parts.map((item, index) => {
    const path = `${contentPath}[${index}]`;
    const part = expectObject(item, path);
    const type = requiredString(part, 'type', path);
    if (type === 'text') return textPart(part, path);
    if (type === 'refusal') return { type: 'text', text: requiredString(part, 'refusal', path) };
    throw errors.invalidBody(`'${path}.type' must be 'text' or 'refusal', got '${type}'`, `${path}.type`);
  });
}
