import type { Kysely, Selectable, Transaction } from 'kysely';
import type {
  ConfigRevision,
  CreateRevisionResult,
  GuardSettings,
  GuardState,
  NewRevision,
  RevisionSource,
  RevisionSummary,
} from '../config/revision.js';
import { retryOnConflict } from './retry-on-conflict.js';
import type { ConfigRevisionsTable, Database } from './schema.js';

/** The meta key holding the active revision number, shared by every gateway process on this store. */
export const ACTIVE_KEY = 'config.active_revision';

type Db = Kysely<Database> | Transaction<Database>;

function fromRow(row: Selectable<ConfigRevisionsTable>): ConfigRevision {
  return {
    number: Number(row.number),
    content: row.content,
    contentSha256: row.content_sha256,
    author: row.author,
    message: row.message,
    source: row.source as RevisionSource,
    createdAt: Number(row.created_at),
    parent: row.parent === null ? null : Number(row.parent),
    restoredFrom: row.restored_from === null ? null : Number(row.restored_from),
    guard: row.guard === null ? null : (JSON.parse(row.guard) as GuardSettings),
    guardState: row.guard_state as GuardState | null,
    guardDetail: row.guard_detail,
  };
}

async function readActive(db: Db): Promise<number | null> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', ACTIVE_KEY).executeTakeFirst();
  return row ? Number(row.value) : null;
}

export function activeRevisionNumber(db: Kysely<Database>): Promise<number | null> {
  return readActive(db);
}

/**
 * Appends a revision and makes it the active one, in one transaction. With `expectActive`, nothing happens
 * unless the active revision is still that one (optimistic concurrency for publish, rollback and the guard).
 */
export function createRevision(
  db: Kysely<Database>,
  input: NewRevision,
  options: { expectActive?: number | null },
): Promise<CreateRevisionResult> {
  return retryOnConflict(() =>
    db.transaction().execute(async (trx): Promise<CreateRevisionResult> => {
      const active = await readActive(trx);
      if (options.expectActive !== undefined && options.expectActive !== active) return { ok: false, active };
      const last = await trx
        .selectFrom('config_revisions')
        .select((eb) => eb.fn.max('number').as('max'))
        .executeTakeFirst();
      const row: ConfigRevisionsTable = {
        number: Number(last?.max ?? 0) + 1,
        content: input.content,
        content_sha256: input.contentSha256,
        author: input.author,
        message: input.message,
        source: input.source,
        created_at: input.createdAt,
        parent: active,
        restored_from: input.restoredFrom,
        guard: input.guard ? JSON.stringify(input.guard) : null,
        guard_state: input.guard ? 'watching' : null,
        guard_detail: null,
      };
      await trx.insertInto('config_revisions').values(row).execute();
      await trx
        .insertInto('meta')
        .values({ key: ACTIVE_KEY, value: String(row.number) })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(row.number) }))
        .execute();
      return { ok: true, revision: fromRow(row) };
    }),
  );
}

export async function getRevision(db: Kysely<Database>, number: number): Promise<ConfigRevision | undefined> {
  const row = await db.selectFrom('config_revisions').selectAll().where('number', '=', number).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** The newest revision, or the newest from one source (e.g. the newest taken from the config file). */
export async function latestRevision(
  db: Kysely<Database>,
  source?: RevisionSource,
): Promise<ConfigRevision | undefined> {
  let select = db.selectFrom('config_revisions').selectAll();
  if (source) select = select.where('source', '=', source);
  const row = await select.orderBy('number', 'desc').limit(1).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

export async function listRevisions(
  db: Kysely<Database>,
  query: { limit: number; before?: number | undefined },
): Promise<RevisionSummary[]> {
  let select = db
    .selectFrom('config_revisions')
    .select([
      'number',
      'content_sha256',
      'author',
      'message',
      'source',
      'created_at',
      'parent',
      'restored_from',
      'guard',
      'guard_state',
      'guard_detail',
    ]);
  if (query.before !== undefined) select = select.where('number', '<', query.before);
  const rows = await select.orderBy('number', 'desc').limit(query.limit).execute();
  return rows.map((row) => {
    const { content: _content, ...summary } = fromRow({ ...row, content: '' });
    return summary;
  });
}

export async function setGuardState(
  db: Kysely<Database>,
  number: number,
  state: GuardState,
  detail: string | null,
): Promise<void> {
  await db
    .updateTable('config_revisions')
    .set({ guard_state: state, guard_detail: detail })
    .where('number', '=', number)
    .execute();
}
