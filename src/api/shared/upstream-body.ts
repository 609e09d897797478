import { prependTopLevelField, replaceTopLevelString } from './json-splice.js';

/**
 * The body a same-dialect request is forwarded with: the client's bytes with only `model` rewritten (and, when
 * asked, `stream_options.include_usage` added). Falls back to re-serialising when the bytes cannot be edited
 * in place (an escaped key, or stream_options already present).
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
  const withModel = current === model ? raw : replaceTopLevelString(raw, 'model', current, model);
  if (!withModel)
    return JSON.stringify(
      addIncludeUsage ? { ...body, model, stream_options: { include_usage: true } } : { ...body, model },
    );
  if (!addIncludeUsage) return withModel;
  return (
    prependTopLevelField(withModel, 'stream_options', '{"include_usage":true}') ??
    JSON.stringify({ ...body, model, stream_options: { include_usage: true } })
  );
}
