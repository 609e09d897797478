import type { Command } from 'commander';
import { type ClientKeyView, MAX_KEY_PAGE } from '../../admin/client-keys.js';
import type { ConfigClientView } from '../../admin/config-client-routes.js';
import type { AdminClient } from '../admin-client.js';
import { configPathFrom } from '../config-path.js';
import {
  describePolicy,
  expiryDays,
  FlagError,
  graceFlag,
  type KeyPolicyFlags,
  policyFromFlags,
  repeatable,
} from '../key-policy-flags.js';
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

interface KeyListOptions {
  search?: string;
  tag?: string;
  status?: string;
  limit?: number;
  json?: boolean;
}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new FlagError(`${flag} takes a positive integer`);
  return value;
}

/** Whether a config client passes `amg keys list`'s filters, read as they are for keys (name, tag, status). */
function configClientMatches(client: ConfigClientView, options: KeyListOptions): boolean {
  if (options.search !== undefined && !client.name.toLowerCase().includes(options.search.toLowerCase())) return false;
  if (options.tag !== undefined) {
    // NAME or NAME=VALUE split at the first `=`, as the admin API reads it for keys: a value may hold one too.
    const text = options.tag.trim();
    const at = text.indexOf('=');
    const name = at < 0 ? text : text.slice(0, at);
    const value = at < 0 ? undefined : text.slice(at + 1);
    const tags = client.policy.tags ?? {};
    if (!Object.hasOwn(tags, name) || (value !== undefined && tags[name] !== value)) return false;
  }
  if (options.status !== undefined) {
    const expired = client.expiresAt !== null && Date.parse(client.expiresAt) <= Date.now();
    if (options.status !== (expired ? 'expired' : 'active')) return false;
  }
  return true;
}

/** Follows the admin API's cursor page by page: no single answer holds every key. */
async function allKeys(admin: AdminClient, options: KeyListOptions): Promise<ClientKeyView[]> {
  const keys: ClientKeyView[] = [];
  let cursor: string | undefined;
  const wanted = options.limit ?? Number.POSITIVE_INFINITY;
  do {
    const page = await admin.listKeys({
      search: options.search,
      tag: options.tag,
      status: options.status,
      cursor,
      limit: String(Math.min(MAX_KEY_PAGE, wanted - keys.length)),
    });
    keys.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined && keys.length < wanted);
  return keys;
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('manage client (gateway-facing) tokens');

  const policyOptions = (command: Command, forUpdate: boolean): Command => {
    const off = forUpdate ? ' ("off" removes it)' : '';
    return command
      .option(
        '--models <patterns>',
        `comma-separated glob patterns of the models it may use, e.g. 'gpt-4o*,claude-*'${off}`,
      )
      .option('--rpm <n>', `requests per minute${off}`)
      .option('--tpm <n>', `tokens (input + output) per minute${off}`)
      .option('--max-concurrent <n>', `requests in flight at once${off}`)
      .option(
        '--budget <amount/period>',
        `USD budget per day, month or total, e.g. 50/day (repeatable${forUpdate ? '; off/day removes one' : ''})`,
        repeatable,
      )
      .option(
        '--model-limit <pattern:limits>',
        `limits for models matching a pattern, e.g. 'gpt-4o:rpm=60,tpm=10000' (repeatable${forUpdate ? '; gpt-4o:off removes one' : ''})`,
        repeatable,
      )
      .option(
        '--tag <name=value>',
        `a tag for telemetry, e.g. team=search (repeatable${forUpdate ? '; team=off removes one' : ''})`,
        repeatable,
      );
  };

  policyOptions(
    keys
      .command('create')
      .description('create a client token; it is printed once and stored only as a hash')
      .requiredOption('-n, --name <name>', 'client name, shown in telemetry')
      .option('--expires-in-days <days>', 'expire the token after this many days', expiryDays),
    false,
  )
    .option('--json', 'print JSON')
    .action(
      async (options: KeyPolicyFlags & { name: string; expiresInDays?: number; json?: boolean }, command: Command) => {
        const policy = policyFromFlags(options);
        const created = await withAdmin(command, (admin) =>
          admin.createKey(options.name, options.expiresInDays, policy),
        );
        if (options.json) {
          process.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          `Created client key "${created.name}" (${created.id}, prefix ${created.prefix}).\n` +
            `Policy: ${describePolicy(created.policy)}\n` +
            `Token (shown only now; store it safely):\n\n  ${created.token}\n\n` +
            `Use it as: Authorization: Bearer ${created.prefix}_...\n`,
        );
      },
    );

  policyOptions(
    keys
      .command('update')
      .description("change a key's models, limits, budgets or tags; its token stays the same")
      .argument('<id-or-name>'),
    true,
  )
    .option('--json', 'print JSON')
    .action(async (idOrName: string, options: KeyPolicyFlags & { json?: boolean }, command: Command) => {
      const change = policyFromFlags(options);
      if (Object.keys(change).length === 0) throw new Error('nothing to change: pass --rpm, --budget, --models, ...');
      const updated = await withAdmin(command, (admin) => admin.updateKey(idOrName, change));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(updated, null, 2)}\n`);
        return;
      }
      process.stdout.write(`updated ${updated.name} (${updated.id}): ${describePolicy(updated.policy)}\n`);
    });

  keys
    .command('rotate')
    .description('issue a new token for a key; the old one keeps working until the grace period ends')
    .argument('<id-or-name>')
    .option(
      '--grace <duration>',
      'how long the old token keeps working, e.g. 24h or 30m, at most 30d (default: not at all)',
      graceFlag,
    )
    .option('--json', 'print JSON')
    .action(async (idOrName: string, options: { grace?: string; json?: boolean }, command: Command) => {
      const rotated = await withAdmin(command, (admin) => admin.rotateKey(idOrName, options.grace));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(rotated, null, 2)}\n`);
        return;
      }
      const until = rotated.previousTokenValidUntil
        ? `The old token works until ${rotated.previousTokenValidUntil}.`
        : 'The old token no longer works.';
      process.stdout.write(
        `Rotated client key "${rotated.name}" (${rotated.id}, new prefix ${rotated.prefix}). ${until}\n` +
          `New token (shown only now; store it safely):\n\n  ${rotated.token}\n\n`,
      );
    });

  keys
    .command('list')
    .description('list client keys (never their tokens), in name order, read a page at a time')
    .option('--search <text>', 'part of the name, the start of the prefix (amg_...), or the id')
    .option('--tag <name[=value]>', 'only keys with this tag (and value), e.g. team=search')
    .option('--status <status>', 'only active, revoked or expired keys')
    .option('--limit <n>', 'list at most this many keys (default: all)', (text) => positiveInteger('--limit', text))
    .option('--json', 'print JSON')
    .action(async (options: KeyListOptions, command: Command) => {
      const [list, fromConfig] = await withAdmin(command, async (admin) => [
        await allKeys(admin, options),
        // Keys are listed even when the config cannot be read (a broken file, an older gateway without the route).
        await admin.configClients().catch(() => ({ revision: null, data: [] })),
      ]);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      const declared = fromConfig.data.filter((client) => configClientMatches(client, options));
      if (list.length === 0) {
        process.stdout.write('no client keys; create one with: amg keys create --name <name>\n');
      } else {
        process.stdout.write(
          `${table(
            ['ID', 'NAME', 'PREFIX', 'STATUS', 'CREATED', 'EXPIRES', 'POLICY'],
            list.map((k) => [
              k.id,
              k.name,
              `${k.prefix}_...`,
              k.previousTokenValidUntil ? `${k.status} (old token until ${k.previousTokenValidUntil})` : k.status,
              k.createdAt,
              k.expiresAt,
              describePolicy(k.policy),
            ]),
          )}\n`,
        );
      }
      // Config clients are limited and billed like keys: an operator listing who may call the gateway has to see
      // them too. Read-only here: the config file is their source.
      if (declared.length > 0) {
        const now = Date.now();
        process.stdout.write(
          `\nClients declared in the config (revision ${fromConfig.revision ?? '-'}; change them in the config file):\n` +
            `${table(
              ['NAME', 'STATUS', 'EXPIRES', 'POLICY'],
              declared.map((c) => [
                c.name,
                c.expiresAt && Date.parse(c.expiresAt) <= now ? 'expired' : 'active',
                c.expiresAt,
                describePolicy(c.policy),
              ]),
            )}\n`,
        );
      }
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
