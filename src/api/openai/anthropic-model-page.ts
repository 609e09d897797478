import { errors } from '../../errors/codes.js';

/** Anthropic's List Models pages: 20 models unless `limit` (1 to 1000) says otherwise. */
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1_000;

export interface ModelNamePage {
  names: string[];
  hasMore: boolean;
}

/**
 * The page of `names` an Anthropic client's `?limit=&after_id=&before_id=` asks for: the models right after
 * `after_id`, or right before `before_id`, as the API pages them; an unknown cursor is a 400 naming it.
 */
export function anthropicModelPage(names: readonly string[], query: URLSearchParams): ModelNamePage {
  const limitText = query.get('limit');
  const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw errors.invalidBody(`limit: an integer from 1 to ${MAX_LIMIT} (got "${limitText}")`, 'limit');
  }
  const before = query.get('before_id');
  if (before !== null) {
    const end = cursorIndex(names, before, 'before_id');
    const start = Math.max(0, end - limit);
    return { names: names.slice(start, end), hasMore: start > 0 };
  }
  const after = query.get('after_id');
  const start = after === null ? 0 : cursorIndex(names, after, 'after_id') + 1;
  return { names: names.slice(start, start + limit), hasMore: start + limit < names.length };
}

function cursorIndex(names: readonly string[], id: string, param: string): number {
  const index = names.indexOf(id);
  if (index === -1) throw errors.invalidBody(`${param}: "${id}" is not a model this key can list`, param);
  return index;
}
