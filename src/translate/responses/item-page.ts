import { errors } from '../../errors/codes.js';

/**
 * One page of `GET /v1/responses/{id}/input_items`, in the API's cursor-list shape: `limit` 1-100 (default
 * 20), `order` `desc` (default, newest item first) or `asc`, and `after` / `before` item ids as cursors.
 */
export interface ItemPage<T> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

export interface PageQuery {
  limit: number;
  order: 'asc' | 'desc';
  after?: string | undefined;
  before?: string | undefined;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

/** Reads the query string; a bad value is a 400 naming the parameter, as the API answers it. */
export function parsePageQuery(query: URLSearchParams): PageQuery {
  const limitText = query.get('limit');
  const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw errors.invalidBody(
      `Invalid 'limit': integer between 1 and ${MAX_LIMIT} expected, got '${limitText}'`,
      'limit',
    );
  }
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') {
    throw errors.invalidBody(`Invalid 'order': 'asc' or 'desc' expected, got '${order}'`, 'order');
  }
  return { limit, order, after: query.get('after') ?? undefined, before: query.get('before') ?? undefined };
}

/** The page of `items` (oldest first) that `query` asks for; an unknown cursor is a 400 naming it. */
export function pageOf<T extends { id?: unknown }>(items: readonly T[], query: PageQuery): ItemPage<T> {
  const ordered = query.order === 'asc' ? items : [...items].reverse();
  let start = 0;
  let end = ordered.length;
  if (query.after !== undefined) start = cursorIndex(ordered, query.after, 'after') + 1;
  if (query.before !== undefined) end = cursorIndex(ordered, query.before, 'before');
  const window = ordered.slice(start, Math.max(start, end));
  const data = window.slice(0, query.limit);
  return {
    object: 'list',
    data,
    first_id: idOf(data[0]),
    last_id: idOf(data.at(-1)),
    has_more: window.length > data.length,
  };
}

function cursorIndex<T extends { id?: unknown }>(items: readonly T[], id: string, param: string): number {
  const index = items.findIndex((item) => item.id === id);
  if (index === -1) throw errors.invalidBody(`Invalid '${param}': no input item with id '${id}'`, param);
  return index;
}

function idOf(item: { id?: unknown } | undefined): string | null {
  return typeof item?.id === 'string' ? item.id : null;
}
