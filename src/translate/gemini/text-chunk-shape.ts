import { isJsonStringLiteral, JSON_STRING_LITERAL } from '../shared/json-string-literal.js';

/**
 * Recognises the events that make up most of a Gemini stream: one text part and the running usage, with or
 * without the space Google's serialiser writes after a colon. The first is matched by the TEXT_CHUNK pattern;
 * its text before and after the text literal is kept, because the next ones usually differ from it in that
 * literal alone (the same usage, model and response id): an event that starts and ends with the kept text and
 * has one valid literal between them matches the pattern too, so it is taken without running it (the pattern
 * reads the whole event character by character, ~2k instructions a 200-byte event).
 */
export class TextChunkShape {
  private head = '';
  private tail = '';
  /** The pattern's match of the last chunk taken (its usage, finish reason, model and id are the next ones' too). */
  private fields: RegExpExecArray | undefined;

  /** The text literal of a text chunk, as sent; undefined when `data` is some other event. */
  literal(data: string): string | undefined {
    return this.sameAsLast(data) ?? this.byPattern(data);
  }

  /** The usageMetadata object's text in the last chunk `literal` took, if it had one. */
  get usage(): string | undefined {
    return this.fields?.[3];
  }

  /** The finishReason of the last chunk `literal` took, if it had one. */
  get finishReason(): string | undefined {
    return this.fields?.[2];
  }

  /** Its modelVersion and responseId (plain strings, so their text between the quotes). */
  get modelVersion(): string | undefined {
    return this.fields?.[4];
  }

  get responseId(): string | undefined {
    return this.fields?.[5];
  }

  private sameAsLast(data: string): string | undefined {
    const head = this.head;
    const end = data.length - this.tail.length;
    if (head === '' || end - head.length < 2) return undefined;
    // Compared as slices: string equality is a memcmp, where startsWith and endsWith step through characters.
    if (data.slice(end) !== this.tail || data.slice(0, head.length) !== head) return undefined;
    const quoted = data.slice(head.length, end);
    return isJsonStringLiteral(quoted) ? quoted : undefined;
  }

  private byPattern(data: string): string | undefined {
    const shaped = TEXT_CHUNK.exec(data);
    if (!shaped) return undefined;
    const quoted = shaped[1] as string;
    // The literal follows the first `"text":` (the pattern's fixed start has no other), and its optional space.
    const key = data.indexOf('"text":') + '"text":'.length;
    const start = data.charCodeAt(key) === 32 ? key + 1 : key;
    this.head = data.slice(0, start);
    this.tail = data.slice(start + quoted.length);
    this.fields = shaped;
    return quoted;
  }
}

// The shapes of a text chunk, as Google writes it (`": "` after a key) and as compact JSON. Group 1 is the text
// literal, group 2 the finishReason, 3 the usageMetadata object, 4 and 5 the text of modelVersion and responseId.
// Only numbers and the per-modality token lists are accepted in the usage, and only the plain strings in
// modelVersion and responseId, so a match is always valid JSON.
const S = ' ?';
const PLAIN_STRING = String.raw`"([^"\\\x00-\x1f]*)"`;
const MODALITY_COUNT = String.raw`\{"modality":${S}"[A-Z_]+",${S}"tokenCount":${S}\d{1,15}\}`;
const USAGE_MEMBER = String.raw`"[A-Za-z]{1,64}":${S}(?:\d{1,15}|\[${MODALITY_COUNT}(?:,${S}${MODALITY_COUNT})*\])`;
const USAGE = String.raw`\{(?:${USAGE_MEMBER}(?:,${S}${USAGE_MEMBER})*)?\}`;
const TEXT_CHUNK = new RegExp(
  String.raw`^\{"candidates":${S}\[\{"content":${S}\{"parts":${S}\[\{"text":${S}(${JSON_STRING_LITERAL})\}\],${S}"role":${S}"model"\}` +
    String.raw`(?:,${S}"finishReason":${S}"([A-Z_]{1,64})")?(?:,${S}"index":${S}0)?\}\](?:,${S}"usageMetadata":${S}(${USAGE}))?` +
    String.raw`(?:,${S}"modelVersion":${S}${PLAIN_STRING})?(?:,${S}"responseId":${S}${PLAIN_STRING})?\}$`,
);
