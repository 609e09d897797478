import { errors } from '../../errors/codes.js';
import type { IrDocumentPart, IrImagePart, IrTextPart } from '../ir/types.js';
import { ownEntry } from '../shared/own-entry.js';
import { parseBase64DataUrl } from './data-url.js';
import {
  asArray,
  asObject,
  invalidType,
  type Json,
  join,
  optEnum,
  optString,
  reqString,
  requiredMissing,
} from './field-readers.js';

/**
 * Content parts of Responses input messages and function_call_output items, as IR parts.
 * Refusal parts in assistant history become plain text (the IR has no refusal part; the words are kept).
 */
export type MessageRole = 'user' | 'assistant' | 'system' | 'developer';

export type ContentPart = IrTextPart | IrImagePart | IrDocumentPart;

const NO_FILE_STORE = 'this gateway has no file store, so files cannot be referenced by id or URL';

/** A message's `content` (a string or a list of parts) as IR parts, checked against what its role may carry. */
export function messageContent(content: unknown, role: MessageRole, path: string): ContentPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return asArray(content, path).map((part, index) => contentPart(part, role, `${path}[${index}]`));
}

function contentPart(value: unknown, role: MessageRole, path: string): ContentPart {
  const part = asObject(value, path);
  const type = reqString(part, 'type', path);
  switch (type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: reqString(part, 'text', path) };
    case 'refusal':
      if (role !== 'assistant') throw wrongRole(type, role, path);
      return { type: 'text', text: reqString(part, 'refusal', path) };
    case 'input_image':
      if (role !== 'user') throw wrongRole(type, role, path);
      return imagePart(part, path);
    case 'input_file':
      if (role !== 'user') throw wrongRole(type, role, path);
      return filePart(part, path);
    default:
      throw errors.invalidBody(
        `unsupported content part type '${type}' at '${path}.type'; use input_text, output_text, refusal, input_image or input_file`,
        `${path}.type`,
      );
  }
}

function wrongRole(type: string, role: MessageRole, path: string) {
  return errors.invalidBody(`a '${type}' part cannot appear in a ${role} message`, `${path}.type`);
}

/** `input_image`: an http(s) URL or a base64 data URL in `image_url`. */
export function imagePart(part: Json, path: string): IrImagePart {
  if (optString(part, 'file_id', path) !== undefined) {
    throw errors.invalidBody(`${NO_FILE_STORE}; send the image in image_url`, join(path, 'file_id'));
  }
  const url = reqString(part, 'image_url', path);
  const detail = optEnum(part, 'detail', path, ['auto', 'low', 'high'] as const);
  const source = imageSource(url, join(path, 'image_url'));
  return detail === undefined ? { type: 'image', source } : { type: 'image', source, detail };
}

function imageSource(url: string, path: string): IrImagePart['source'] {
  if (url.startsWith('data:')) {
    const parsed = parseBase64DataUrl(url);
    if (!parsed) throw errors.invalidBody(`'${path}' must be a base64 data URL (data:<type>;base64,...)`, path);
    return { kind: 'base64', mediaType: parsed.mediaType, data: parsed.data };
  }
  if (!/^https?:\/\//i.test(url)) {
    throw errors.invalidBody(`'${path}' must be an http(s) URL or a base64 data URL`, path);
  }
  return { kind: 'url', url };
}

const MEDIA_TYPE_BY_EXTENSION: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/plain',
};

/** `input_file`: inline `file_data` (a data URL, or bare base64 with a filename that tells the type). */
function filePart(part: Json, path: string): IrDocumentPart {
  for (const key of ['file_id', 'file_url'] as const) {
    if (optString(part, key, path) !== undefined) {
      throw errors.invalidBody(`${NO_FILE_STORE}; send the file inline in file_data`, join(path, key));
    }
  }
  const fileData = reqString(part, 'file_data', path);
  const filename = optString(part, 'filename', path);
  const parsed = parseBase64DataUrl(fileData);
  const mediaType = parsed?.mediaType ?? mediaTypeOfName(filename);
  if (mediaType === undefined) {
    throw errors.invalidBody(
      `'${path}.file_data' must be a base64 data URL (data:application/pdf;base64,...) or come with a .pdf or .txt filename`,
      join(path, 'file_data'),
    );
  }
  const source = { kind: 'base64' as const, mediaType, data: parsed?.data ?? fileData };
  return filename === undefined ? { type: 'document', source } : { type: 'document', source, title: filename };
}

function mediaTypeOfName(filename: string | undefined): string | undefined {
  const extension = filename?.split('.').pop()?.toLowerCase();
  return extension === undefined ? undefined : ownEntry(MEDIA_TYPE_BY_EXTENSION, extension);
}

/** A function_call_output's `output`: a string, or text and image parts (the IR's tool results hold no files). */
export function toolOutputContent(output: unknown, path: string): Array<IrTextPart | IrImagePart> {
  if (typeof output === 'string') return [{ type: 'text', text: output }];
  if (output === undefined) throw requiredMissing(path);
  if (!Array.isArray(output)) throw invalidType(path, 'a string or an array of content parts', output);
  return output.map((value, index) => {
    const partPath = `${path}[${index}]`;
    const part = asObject(value, partPath);
    const type = reqString(part, 'type', partPath);
    if (type === 'input_text') return { type: 'text', text: reqString(part, 'text', partPath) };
    if (type === 'input_image') return imagePart(part, partPath);
    throw errors.invalidBody(
      `unsupported function_call_output part type '${type}'; tool results carry input_text and input_image parts`,
      `${partPath}.type`,
    );
  });
}
