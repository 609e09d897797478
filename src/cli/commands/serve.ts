import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ConfigError } from '../../config/load-config.js';
import { starterConfig } from '../../config/starter-config.js';
import type { Gateway } from '../../server/gateway.js';
import { log, logStartFailure, surviveClosedOutput } from '../../server/log.js';
import { warnUnconfiguredProviders } from '../../server/unconfigured-warning.js';
import { cliInvocation } from '../cli-invocation.js';
import { configPathFrom } from '../config-path.js';
import { boundOldGeneration, capYoungGenerationAtFirstRequest } from '../heap-under-load.js';
import { scavengeOnMainThreadOnOneCore } from '../scavenge-on-one-core.js';
import { releaseAtFirstRequest } from '../start-footprint.js';

/**
 * One Ctrl-C under `npm start` reaches the gateway twice: the terminal signals the whole foreground process
 * group, and npm forwards the SIGINT it got to its child too, milliseconds later. A SIGINT this soon after the
 * stop began is that copy, not the operator asking again.
 */
const ONE_CTRL_C_MS = 300;

/** What the start banner and log lines report of the running gateway. */
interface StartStatus {
  providers: Array<{ name: string; configured: boolean; missing_env?: string | null }>;
  // Absent when the store did not answer in time (another process holding it locked).
  config?: { apply_error?: { revision: number; error: string } };
}

function banner(
  gateway: Gateway,
  status: StartStatus,
  configPath: string,
  created: boolean,
  showToken: boolean,
): string {
  const skipped = status.config?.apply_error;
  // The command that runs amg as this process was started (npm run amg --, node dist/cli/main.js, amg).
  const amg = cliInvocation();
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
  if (gateway.bootstrap.kind === 'generated' && !showToken) {
    lines.push(
      '',
      '  Admin token: one was generated but not printed, since this output is not a terminal (log collectors keep',
      `  what they read). Make one on this store (no token needed):  ${amg} admin-tokens create --name me --role admin`,
      '  or set AMG_ADMIN_TOKEN, or AMG_PRINT_ADMIN_TOKEN=1 to print a generated one here.',
    );
  }
  if (gateway.bootstrap.kind === 'generated' && showToken) {
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
      '  Admin token: the one shown at the first start (or made since). Lost it? Make another on this store (no token needed):',
      `    ${amg} admin-tokens create --name me --role admin`,
    );
  }
  lines.push('', `  Create a client token:  ${amg} keys create --name my-app`, '');
  return lines.join('\n');
}

/**
 * The stream for the plain-text banner: stdout at a terminal; otherwise (a pipe, a file, a log shipper) the
 * standard stream the JSON log lines do not use, so a collector parsing the log stream as JSON meets no prose.
 */
function bannerStream(gateway: Gateway): NodeJS.WriteStream {
  if (process.stdout.isTTY) return process.stdout;
  return gateway.snapshot.config.log.output === 'stderr' ? process.stdout : process.stderr;
}

/**
 * A generated admin token is shown on a terminal only (or when AMG_PRINT_ADMIN_TOKEN=1 asks for it): a token
 * written into a collected stream would stay readable in the log store for as long as it keeps logs.
 */
function showToken(gateway: Gateway): boolean {
  return process.env.AMG_PRINT_ADMIN_TOKEN === '1' || bannerStream(gateway).isTTY === true;
}

/** The banner, and, when it is not on a terminal, what it says as one JSON log line (never a token). */
function announce(gateway: Gateway, configPath: string, text: string): void {
  bannerStream(gateway).write(`${text}\n`);
  if (process.stdout.isTTY) return;
  log.info('gateway started', {
    pid: process.pid,
    config: configPath,
    revision: gateway.snapshot.revision,
    storage: gateway.storage.file,
    api: `${gateway.url}/v1`,
    admin_ui: `${gateway.adminUrl}/admin`,
    admin_api: `${gateway.adminUrl}/admin/api`,
    admin_token:
      gateway.bootstrap.kind === 'generated'
        ? showToken(gateway)
          ? 'generated, printed in the banner'
          : 'generated, not printed'
        : gateway.bootstrap.kind,
  });
}

async function serve(options: { config?: string; listen?: string }): Promise<void> {
  surviveClosedOutput();
  const { path, isDefault } = configPathFrom(options.config);
  let created = false;
  if (!existsSync(path)) {
    if (!isDefault) throw new Error(`config file ${path} does not exist`);
    await writeFile(path, starterConfig(cliInvocation()), { mode: 0o600, flag: 'wx' });
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
    // The banner will not show a token generated by this start: it must not outlive it.
    await gateway.withdrawUnshownAdminToken();
    await gateway.close();
    log.info('stopped before serving', { signal: signalledDuringStart });
    process.exit(0);
  }
  const status = (await gateway.status()) as unknown as StartStatus;
  announce(gateway, path, banner(gateway, status, path, created, showToken(gateway)));
  warnUnconfiguredProviders(status.providers.map((provider) => ({ ...provider, apiKeyEnv: provider.missing_env })));
  boundOldGeneration();
  scavengeOnMainThreadOnOneCore();
  releaseAtFirstRequest();
  capYoungGenerationAtFirstRequest();

  let stopping = false;
  let stopBeganAt = 0;
  const stop = (signal: string) => {
    // A second SIGTERM must not cut the graceful stop short (its default action would exit at once and lose the
    // records still to be written); process managers bound the wait with their own kill timer. A second Ctrl-C
    // is an operator at a terminal who will not wait out a long stream: the requests still in flight are ended
    // now, as at the end of the grace period (error event, record written), and the gateway exits.
    if (stopping) {
      if (signal === 'SIGINT' && performance.now() - stopBeganAt < ONE_CTRL_C_MS) return;
      if (signal === 'SIGINT') {
        log.warn('second SIGINT: ending the requests in flight now', { in_flight: gateway.dataPlane.inFlight });
        gateway.endGraceNow();
      } else log.warn(`already shutting down; ${signal} ignored`, { in_flight: gateway.dataPlane.inFlight });
      return;
    }
    stopping = true;
    stopBeganAt = performance.now();
    log.info('shutting down', { signal, in_flight: gateway.dataPlane.inFlight });
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
      const options = command.optsWithGlobals<{ config?: string; listen?: string }>();
      try {
        await serve(options);
      } catch (error) {
        const message =
          error instanceof ConfigError ? error.message : `amg serve: ${serveFailure(error as NodeJS.ErrnoException)}`;
        process.stderr.write(`${message}\n`);
        // Off a terminal the log stream says it too: a collector parsing it would otherwise see no reason.
        if (!process.stdout.isTTY) logStartFailure({ config: configPathFrom(options.config).path, error: message });
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
