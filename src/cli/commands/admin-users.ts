import type { Command } from 'commander';
import { readPassword } from '../read-password.js';
import { table } from '../table.js';
import { withAdmin } from './keys.js';

async function passwordFor(options: { password?: string }): Promise<string> {
  if (options.password !== undefined) {
    process.stderr.write('warning: --password is visible to other users in the process list; prefer stdin\n');
    return options.password;
  }
  const first = await readPassword('Password: ');
  if (process.stdin.isTTY && (await readPassword('Again: ')) !== first) throw new Error('the passwords differ');
  return first;
}

export function registerAdminUsers(program: Command): void {
  const users = program
    .command('admin-users')
    .description('manage people who sign in to the Admin UI with a password (admin: read and write; viewer: read)');

  users
    .command('create')
    .description('create a user; the password is read from a prompt or from stdin, and stored as an argon2id hash')
    .requiredOption('-n, --name <name>', 'the user name to sign in with')
    .option('-r, --role <role>', 'admin or viewer', 'viewer')
    .option('--password <password>', 'the password (visible in the process list: prefer the prompt or stdin)')
    .action(async (options: { name: string; role: string; password?: string }, command: Command) => {
      const password = await passwordFor(options);
      const created = await withAdmin(command, (admin) => admin.createAdminUser(options.name, options.role, password));
      process.stdout.write(`Created admin user "${created.name}" (${created.role}, ${created.id}).\n`);
    });

  users
    .command('list')
    .description('list admin users')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const list = await withAdmin(command, (admin) => admin.listAdminUsers());
      if (options.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `${table(
          ['ID', 'NAME', 'ROLE', 'CREATED'],
          list.map((u) => [u.id, u.name, u.role, u.createdAt]),
        )}\n`,
      );
    });

  users
    .command('delete')
    .description('delete a user by id or name, ending their sessions at once')
    .argument('<id-or-name>')
    .action(async (idOrName: string, _options: unknown, command: Command) => {
      const deleted = await withAdmin(command, (admin) => admin.deleteAdminUser(idOrName));
      process.stdout.write(`deleted ${deleted.name} (${deleted.id}); ${deleted.sessionsRevoked} session(s) ended\n`);
    });
}

export function registerSessions(program: Command): void {
  const sessions = program.command('sessions').description('browser sessions of the Admin UI');

  sessions
    .command('list')
    .description('list who is signed in')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const list = await withAdmin(command, (admin) => admin.listSessions());
      if (options.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `${table(
          ['ID', 'NAME', 'ROLE', 'KIND', 'FROM', 'SIGNED IN', 'LAST SEEN', 'EXPIRES'],
          list.map((s) => [s.id, s.name, s.role, s.kind, s.origin, s.createdAt, s.lastSeenAt, s.expiresAt]),
        )}\n`,
      );
    });

  sessions
    .command('revoke')
    .description('end a session at once')
    .argument('<id>')
    .action(async (id: string, _options: unknown, command: Command) => {
      const revoked = await withAdmin(command, (admin) => admin.revokeSession(id));
      process.stdout.write(`revoked session ${revoked.id} of ${revoked.name}\n`);
    });
}
