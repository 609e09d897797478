import { ChangeError } from '../config/change/change-error.js';
import type { DraftSource } from '../config/change/draft.js';
import type { PublishRequest } from '../config/change/publish.js';
import { parseDuration } from '../config/duration.js';
import { type GuardRequest, parseGuardRequest } from '../config/guard/guard-settings.js';

/** Request bodies of the /admin/api/config routes, checked with the offending field named. */

const bad = (message: string) => new ChangeError('bad_request', message);

type Body = Record<string, unknown>;

/**
 * The longest config text the admin API takes. Parsing and validating YAML runs on the event loop (about 0.1 ms
 * per KiB, more for odd documents); this bounds one draft to a few tens of ms, far above any real config.
 */
export const MAX_DRAFT_CHARS = 256 * 1024;

/** `{ content: "<yaml>", name? }` or `{ revision: 3 }`. */
export function parseDraftSource(value: unknown, field: string): DraftSource {
  const body = (value ?? {}) as Body;
  if (typeof body.content === 'string') {
    if (body.content.length > MAX_DRAFT_CHARS)
      throw bad(`${field}.content is longer than ${MAX_DRAFT_CHARS / 1024} KiB; no gateway config needs that much`);
    if (body.name !== undefined && typeof body.name !== 'string') throw bad(`${field}.name must be a string`);
    return { content: body.content, name: body.name as string | undefined };
  }
  if (Number.isInteger(body.revision) && (body.revision as number) > 0) return { revision: body.revision as number };
  throw bad(`${field} needs content (the config YAML) or revision (a revision number)`);
}

export function optionalSource(value: unknown, field: string): DraftSource | undefined {
  return value === undefined || value === null ? undefined : parseDraftSource(value, field);
}

export function parseWindow(value: unknown, fallbackMs = 86_400_000): number {
  if (value === undefined) return fallbackMs;
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined) throw bad('window must be a duration such as 24h or 90m');
  return ms;
}

function parseMessage(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw bad('message is required: say what the change is for');
  if (value.length > 2_000) throw bad('message must be at most 2000 characters');
  return value.trim();
}

/** POST /config/publish: the draft (content or revision), message, optional guard and base revision. */
export function parsePublishBody(value: unknown): Omit<PublishRequest, 'trigger'> {
  const body = (value ?? {}) as Body;
  const origin = body.source === 'cli' || body.source === 'file' ? body.source : 'api';
  const base = body.base_revision;
  if (base !== undefined && base !== null && !Number.isInteger(base))
    throw bad('base_revision must be a revision number');
  let guard: PublishRequest['guard'];
  if (body.guard !== undefined && body.guard !== null) {
    const raw = (typeof body.guard === 'object' ? body.guard : { window: body.guard }) as GuardRequest;
    try {
      guard = parseGuardRequest(raw);
    } catch (error) {
      throw bad((error as Error).message);
    }
  }
  return {
    source: parseDraftSource(body, 'body'),
    message: parseMessage(body.message),
    origin,
    guard,
    baseRevision: base as number | null | undefined,
  };
}

export function parseRollbackBody(value: unknown): { to?: number | undefined; message?: string | undefined } {
  const body = (value ?? {}) as Body;
  if (body.revision !== undefined && !Number.isInteger(body.revision)) throw bad('revision must be a revision number');
  return {
    to: body.revision as number | undefined,
    message: body.message === undefined ? undefined : parseMessage(body.message),
  };
}

/** `?limit=&before=` of the revision history. */
export function parseHistoryQuery(params: Record<string, string | undefined>): { limit: number; before?: number } {
  const limit = params.limit === undefined ? 50 : Number(params.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1_000) throw new RangeError('limit must be between 1 and 1000');
  const before = params.before === undefined ? undefined : Number(params.before);
  if (before !== undefined && !Number.isInteger(before)) throw new RangeError('before must be a revision number');
  return before === undefined ? { limit } : { limit, before };
}
