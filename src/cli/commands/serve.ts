import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ConfigError } from '../../config/load-config.js';
import { STARTER_CONFIG } from '../../config/starter-config.js';
import type { Gateway } from '../../server/gateway.js';
import { log, surviveClosedOutput } from '../../server/log.js';
import { configPathFrom } from '../config-path.js';
import { boundOldGeneration, capYoungGenerationAtFirstRequest } from '../heap-under-load.js';
import { scavengeOnMainThreadOnOneCore } from '../scavenge-on-one-core.js';
import { releaseAtFirstRequest } from '../start-footprint.js';

async function banner(gateway: Gateway, configPath: string, created: boolean): Promise<string> {
  const status = (await gateway.status()) as {
    providers: Array<{ name: string; configured: boolean; missing_env?: string | null }>;
    // Absent when the store did not answer in time (another process holding it locked).
    config?: { apply_error?: { revision: number; error: string } };
  };
  const skipped = status.config?.apply_error;
  const lines = [
    'AI Model Gateway is running',
    // Signals go to this PID: a wrapper (npm, a shell) between them and the gateway may not pass them on.
    `  pid        ${process.pid}  (kill -HUP ${process.pid} publishes the config file; -TERM stops gracefully)`,
    `  config     ${configPath}${created ? '  (created from the starter template)' : ''}`,
    `  revision   ${gateway.snapshot.revision ?? '-'}  (amg config history)`,
    ...(skipped
      ? [
          `  WARNING    the active revision ${skipped.revision} cannot run here, so revision ${gateway.snapshot.revision} runs:`,
          `             ${skipped.error}`,
        ]
      : []),
    `  storage    ${gateway.storage.file}`,
    `  API        ${gateway.url}/v1  (chat/completions, messages, responses, embeddings, models)`,
    `  Admin UI   ${gateway.adminUrl}/admin  (sign in with the admin token)`,
    `  admin API  ${gateway.adminUrl}/admin/api`,
    '  providers',
    ...status.providers.map((p) =>
      p.configured
        ? `    ${p.name}: configured`
        : `    ${p.name}: not configured${p.missing_env ? ` (set ${p.missing_env})` : ''}`,
    ),
  ];
  if (gateway.bootstrap.kind === 'generated') {
    lines.push(
      '',
      '  Admin token (shown only this once; stored as a hash):',
      `    ${gateway.bootstrap.token}`,
      '  Keep it: `amg --url ... --token ...` and the admin API need it. AMG_ADMIN_TOKEN sets one for automation.',
    );
  }
  if (gateway.bootstrap.kind === 'existing') {
    lines.push(
      '',
      '  Admin token: the one printed at the first start. Lost it? Make another on this store (no token needed):',
      '    npm run amg -- admin-tokens create --name me --role admin',
    );
  }
  lines.push('', '  Create a client token:  npm run amg -- keys create --name my-app', '');
  return lines.join('\n');
}

async function serve(options: { config?: string; listen?: string }): Promise<void> {
  surviveClosedOutput();
  const { path, isDefault } = configPathFrom(options.config);
  let created = false;
  if (!existsSync(path)) {
    if (!isDefault) throw new Error(`config file ${path} does not exist`);
    await writeFile(path, STARTER_CONFIG, { mode: 0o600, flag: 'wx' });
    created = true;
  }
  // A signal during the start (loading modules, migrating the store) would otherwise kill the process at once
  // with no word; it is noted, the start completes its store work, and stops before listening or publishing.
  let signalledDuringStart: string | undefined;
  const duringStart = (signal: string) => {
    if (signalledDuringStart === undefined) log.info('stopping: signal received during start', { signal });
    signalledDuringStart ??= signal;
  };
  const onStartTerm = () => duringStart('SIGTERM');
  const onStartInt = () => duringStart('SIGINT');
  process.on('SIGTERM', onStartTerm);
  process.on('SIGINT', onStartInt);
  // Loaded on demand so that `amg --help` and the admin commands start fast.
  const { Gateway, StartStopped } = await import('../../server/gateway.js');
  const stopRequested = () => signalledDuringStart !== undefined;
  const gateway = await Gateway.start({ configPath: path, listen: options.listen, stopRequested }).catch(
    (error: unknown) => {
      if (!(error instanceof StartStopped)) throw error;
      log.info('stopped before serving', { signal: signalledDuringStart });
      process.exit(0);
    },
  );
  if (signalledDuringStart !== undefined) {
    await gateway.close();
    log.info('stopped before serving', { signal: signalledDuringStart });
    process.exit(0);
  }
  process.stdout.write(`${await banner(gateway, path, created)}\n`);
  boundOldGeneration();
  scavengeOnMainThreadOnOneCore();
  releaseAtFirstRequest();
  capYoungGenerationAtFirstRequest();

  let stopping = false;
  const stop = (signal: string) => {
    // A second SIGTERM must not cut the graceful stop short (its default action would exit at once and lose the
    // records still to be written); process managers bound the wait with their own kill timer. A second Ctrl-C
    // is an operator at a terminal who will not wait out a long stream: the requests still in flight are ended
    // now, as at the end of the grace period (error event, record written), and the gateway exits.
    if (stopping) {
      if (signal === 'SIGINT') {
        log.warn('second SIGINT: ending the requests in flight now', { inFlight: gateway.dataPlane.inFlight });
        gateway.endGraceNow();
      } else log.warn(`already shutting down; ${signal} ignored`, { inFlight: gateway.dataPlane.inFlight });
      return;
    }
    stopping = true;
    log.info('shutting down', { signal, inFlight: gateway.dataPlane.inFlight });
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.off('SIGTERM', onStartTerm);
  process.off('SIGINT', onStartInt);
  // Arrived while the banner was being written: stopped as any signal from now on.
  if (signalledDuringStart !== undefined) stop(signalledDuringStart);
  process.on('SIGHUP', () => {
    // A gateway on its way out must not make a new revision active for every gateway sharing the store.
    if (stopping) {
      log.warn('already shutting down; SIGHUP ignored (the config file was not published)', { config: path });
      return;
    }
    void gateway.reload().then((result) => {
      if (!result.ok) log.error('config reload failed; keeping the running config', { error: result.error.message });
      else if (result.outcome.status === 'unchanged')
        log.info('config file unchanged; nothing to publish', { config: path });
      else log.info('config reloaded', { config: path, revision: result.outcome.revision.number });
    });
  });
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the gateway (creates ./gateway.yaml from a starter template when there is none)')
    .option('--listen <host:port>', 'override server.listen')
    .action(async (_options: unknown, command: Command) => {
      try {
        await serve(command.optsWithGlobals<{ config?: string; listen?: string }>());
      } catch (error) {
        if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
        else process.stderr.write(`amg serve: ${serveFailure(error as NodeJS.ErrnoException)}\n`);
        process.exit(1);
      }
    });
}

/** The reason a start failed, with what to do when the listen address is taken or not ours to bind. */
function serveFailure(error: NodeJS.ErrnoException): string {
  if (error.code === 'EADDRINUSE')
    return `${error.message}: another process (perhaps a gateway already running) listens there; stop it, or choose another address with --listen HOST:PORT or server.listen in the config (port 0 picks a free one)`;
  if (error.code === 'EACCES')
    return `${error.message}: this user may not listen on that port; choose one above 1023 with --listen HOST:PORT or server.listen`;
  return error.message;
}
