import type { Kysely, Selectable } from 'kysely';
import type { AdminSessionsTable, AdminUsersTable, Database } from './schema.js';
import type { AdminRole, AdminSession, AdminUser } from './store.js';

/** Admin users and browser sessions, written once for every store dialect. */

function userFromRow(row: Selectable<AdminUsersTable>): AdminUser {
  return {
    id: row.id,
    name: row.name,
    role: row.role as AdminRole,
    passwordHash: row.password_hash,
    createdAt: Number(row.created_at),
  };
}

function sessionFromRow(row: Selectable<AdminSessionsTable>): AdminSession {
  return {
    id: row.id,
    tokenSha256: row.token_sha256,
    subjectKind: row.subject_kind as AdminSession['subjectKind'],
    subjectId: row.subject_id,
    name: row.name,
    role: row.role as AdminRole,
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
    expiresAt: Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    origin: row.origin,
    userAgent: row.user_agent,
  };
}

export async function insertAdminUser(db: Kysely<Database>, user: AdminUser): Promise<void> {
  await db
    .insertInto('admin_users')
    .values({
      id: user.id,
      name: user.name,
      role: user.role,
      password_hash: user.passwordHash,
      created_at: user.createdAt,
    })
    .execute();
}

export async function listAdminUsers(db: Kysely<Database>): Promise<AdminUser[]> {
  const rows = await db.selectFrom('admin_users').selectAll().orderBy('created_at', 'asc').execute();
  return rows.map(userFromRow);
}

export async function deleteAdminUser(db: Kysely<Database>, idOrName: string): Promise<AdminUser | undefined> {
  const row = await db
    .deleteFrom('admin_users')
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .returningAll()
    .executeTakeFirst();
  return row ? userFromRow(row) : undefined;
}

export async function insertSession(db: Kysely<Database>, session: AdminSession): Promise<void> {
  await db
    .insertInto('admin_sessions')
    .values({
      id: session.id,
      token_sha256: session.tokenSha256,
      subject_kind: session.subjectKind,
      subject_id: session.subjectId,
      name: session.name,
      role: session.role,
      created_at: session.createdAt,
      last_seen_at: session.lastSeenAt,
      expires_at: session.expiresAt,
      revoked_at: session.revokedAt,
      origin: session.origin,
      user_agent: session.userAgent,
    })
    .execute();
}

export async function findSession(db: Kysely<Database>, tokenSha256: string): Promise<AdminSession | undefined> {
  const row = await db
    .selectFrom('admin_sessions')
    .selectAll()
    .where('token_sha256', '=', tokenSha256)
    .executeTakeFirst();
  return row ? sessionFromRow(row) : undefined;
}

export async function listSessions(db: Kysely<Database>, now: number): Promise<AdminSession[]> {
  const rows = await db
    .selectFrom('admin_sessions')
    .selectAll()
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(sessionFromRow);
}

export async function touchSession(db: Kysely<Database>, id: string, at: number): Promise<void> {
  await db.updateTable('admin_sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
}

export async function revokeSessions(
  db: Kysely<Database>,
  match: { id?: string; subjectId?: string },
  at: number,
): Promise<AdminSession[]> {
  if (match.id === undefined && match.subjectId === undefined) return [];
  let update = db.updateTable('admin_sessions').set({ revoked_at: at }).where('revoked_at', 'is', null);
  if (match.id !== undefined) update = update.where('id', '=', match.id);
  if (match.subjectId !== undefined) update = update.where('subject_id', '=', match.subjectId);
  const rows = await update.returningAll().execute();
  return rows.map(sessionFromRow);
}
