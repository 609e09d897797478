// The amg program. The build bundles it (scripts/bundle.mjs) into a chunk that dist/cli/main.js, the file
// `npm start` and the `amg` bin run, loads from ./entry.ts: as one module (and zod inlined) it keeps ~8 MB less
// memory than as ~500 modules.
import { Command } from 'commander';
import { registerAdminTokens } from './commands/admin-tokens.js';
import { registerAdminUsers, registerSessions } from './commands/admin-users.js';
import { registerAudit } from './commands/audit.js';
import { registerConfig } from './commands/config.js';
import { registerKeys } from './commands/keys.js';
import { registerRequests } from './commands/requests.js';
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';
import { registerUsage } from './commands/usage.js';
import { release } from './start-footprint.js';

const program = new Command()
  .name('amg')
  .description('AI Model Gateway: a self-hosted LLM gateway')
  .version('0.1.0')
  .option('-c, --config <file>', 'config file (default: $AMG_CONFIG or ./gateway.yaml)')
  .option('--url <url>', "talk to a running gateway's admin API instead of the local store (or $AMG_URL)")
  .option('--token <token>', 'admin token for --url (or $AMG_ADMIN_TOKEN)')
  .showHelpAfterError()
  // `serve` holds V8's start settings until its first request (see the module); the other commands need none.
  .hook('preAction', (_program, command) => {
    if (command.name() === 'serve') return;
    release();
    endQuietlyWhenStdoutCloses();
  });

/**
 * `amg requests tail --json | head -1`: once the reader has what it wanted, a command ends as other Unix tools do
 * (exit 0, nothing on stderr) instead of with an EPIPE stack trace. `serve` keeps running instead (see log.ts).
 */
function endQuietlyWhenStdoutCloses(): void {
  process.stdout.on('error', function stdoutClosed(error: NodeJS.ErrnoException) {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

registerServe(program);
registerConfig(program);
registerKeys(program);
registerRequests(program);
registerStatus(program);
registerUsage(program);
registerAudit(program);
registerAdminTokens(program);
registerAdminUsers(program);
registerSessions(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`amg: ${(error as Error).message}\n`);
  process.exit(1);
});
