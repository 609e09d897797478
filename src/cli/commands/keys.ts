import type { Command } from 'commander';
import type { AdminClient } from '../admin-client.js';
import { configPathFrom } from '../config-path.js';
import { table } from '../table.js';

export interface AdminConnectionOptions {
  config?: string;
  url?: string;
  token?: string;
}

/** Runs an admin operation with a connection built from the global options, always closing it. */
export async function withAdmin<T>(command: Command, run: (admin: AdminClient) => Promise<T>): Promise<T> {
  const options = command.optsWithGlobals<AdminConnectionOptions>();
  const { connectAdmin } = await import('../admin-client.js');
  const admin = await connectAdmin({
    url: options.url,
    token: options.token,
    configPath: configPathFrom(options.config).path,
  });
  try {
    return await run(admin);
  } finally {
    await admin.close();
  }
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('manage client (gateway-facing) tokens');

  keys
    .command('create')
    .description('create a client token; it is printed once and stored only as a hash')
    .requiredOption('-n, --name <name>', 'client name, shown in telemetry')
    .option('--expires-in-days <days>', 'expire the token after this many days', Number)
    .option('--json', 'print JSON')
    .action(async (options: { name: string; expiresInDays?: number; json?: boolean }, command: Command) => {
      const created = await withAdmin(command, (admin) => admin.createKey(options.name, options.expiresInDays));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `Created client key "${created.name}" (${created.id}).\nToken (shown only now; store it safely):\n\n  ${created.token}\n\n` +
          `Use it as: Authorization: Bearer ${created.prefix}...\n`,
      );
    });

  keys
    .command('list')
    .description('list client keys (never their tokens)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const list = await withAdmin(command, (admin) => admin.listKeys());
      if (options.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      if (list.length === 0) {
        process.stdout.write('no client keys; create one with: amg keys create --name <name>\n');
        return;
      }
      process.stdout.write(
        `${table(
          ['ID', 'NAME', 'PREFIX', 'STATUS', 'CREATED', 'EXPIRES'],
          list.map((k) => [k.id, k.name, `${k.prefix}...`, k.status, k.createdAt, k.expiresAt]),
        )}\n`,
      );
    });

  keys
    .command('revoke')
    .description('revoke a client key by id or name; the gateway refuses it from then on')
    .argument('<id-or-name>')
    .action(async (idOrName: string, _options: unknown, command: Command) => {
      const revoked = await withAdmin(command, (admin) => admin.revokeKey(idOrName));
      process.stdout.write(`revoked ${revoked.name} (${revoked.id})\n`);
    });
}
