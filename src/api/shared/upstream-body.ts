import { type BodyEdit, editedBody, prependEdit, topLevelStringEdit } from './json-splice.js';

/**
 * The body a same-dialect request is forwarded with: the client's bytes with only `model` rewritten (and, when
 * asked, `stream_options.include_usage` added), both edits written in one copy of the body. Falls back to
 * re-serialising when the bytes cannot be edited in place (an escaped key, or stream_options already present).
 */
export function forwardedBody(
  body: Record<string, unknown>,
  raw: Buffer,
  model: string,
  addIncludeUsage = false,
): Buffer | string {
  const options = body.stream_options;
  if (addIncludeUsage && options !== undefined) {
    const merged = { ...(options as Record<string, unknown> | null), include_usage: true };
    return JSON.stringify({ ...body, model, stream_options: merged });
  }
  const current = body.model as string;
  const modelEdit = current === model ? undefined : topLevelStringEdit(raw, 'model', current, model);
  if (current !== model && !modelEdit)
    return JSON.stringify(
      addIncludeUsage ? { ...body, model, stream_options: { include_usage: true } } : { ...body, model },
    );
  if (!addIncludeUsage) return modelEdit ? editedBody(raw, [modelEdit]) : raw;
  // The new first member comes before the model's value, which the object's opening brace precedes.
  const usageEdit = prependEdit(raw, 'stream_options', '{"include_usage":true}');
  if (!usageEdit) return JSON.stringify({ ...body, model, stream_options: { include_usage: true } });
  const edits: BodyEdit[] = modelEdit ? [usageEdit, modelEdit] : [usageEdit];
  return editedBody(raw, edits);
}
