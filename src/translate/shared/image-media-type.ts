import { ownEntry } from './own-entry.js';

/**
 * Non-standard names clients give image types, with the registered name. `image/jpg` is common (OpenAI reads
 * it, so Chat and Responses clients send it), but Anthropic, Converse and Gemini know JPEG only as
 * `image/jpeg`.
 */
const ALIASES: Readonly<Record<string, string>> = { 'image/jpg': 'image/jpeg' };

/** The registered name of an image's media type (`image/jpg` -> `image/jpeg`); any other type as given. */
export function standardImageType(mediaType: string): string {
  return ownEntry(ALIASES, mediaType) ?? mediaType;
}
