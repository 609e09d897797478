import type { Command } from 'commander';
import { table } from '../table.js';
import { withAdmin } from './keys.js';

export function registerAdminTokens(program: Command): void {
  const tokens = program
    .command('admin-tokens')
    .description('manage named admin credentials (role admin: read and write; viewer: read only)');

  tokens
    .command('create')
    .description('create an admin token; it is printed once and stored only as a hash')
    .requiredOption('-n, --name <name>', 'who holds it (shown in the audit log)')
    .option('-r, --role <role>', 'admin or viewer', 'viewer')
    .option('--json', 'print JSON')
    .action(async (options: { name: string; role: string; json?: boolean }, command: Command) => {
      const created = await withAdmin(command, (admin) => admin.createAdminToken(options.name, options.role));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `Created admin token "${created.name}" (${created.role}, ${created.id}).\nToken (shown only now; store it safely):\n\n  ${created.token}\n`,
      );
    });

  tokens
    .command('list')
    .description('list admin tokens (never the tokens themselves)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const list = await withAdmin(command, (admin) => admin.listAdminTokens());
      if (options.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `${table(
          ['ID', 'NAME', 'ROLE', 'STATUS', 'CREATED', 'REVOKED'],
          list.map((t) => [t.id, t.name, t.role, t.status, t.createdAt, t.revokedAt]),
        )}\n`,
      );
    });

  tokens
    .command('revoke')
    .description('revoke an admin token by id or name (the last admin-role token cannot be revoked)')
    .argument('<id-or-name>')
    .action(async (idOrName: string, _options: unknown, command: Command) => {
      const revoked = await withAdmin(command, (admin) => admin.revokeAdminToken(idOrName));
      process.stdout.write(`revoked ${revoked.name} (${revoked.id})\n`);
    });
}
