/**
 * Structured logging: one JSON object per line with time, level, msg and (for a request's events) request_id.
 * Never pass secrets or bodies here. Level and output come from the config (`log`); AMG_LOG_LEVEL overrides the
 * level, for turning on debug output without editing the config.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

interface Sink {
  write(line: string): unknown;
  /** Bytes written but not yet taken by the reader (Node's streams); absent for sinks that never hold any. */
  readonly writableLength?: number;
}

/**
 * Log bytes held in memory for a reader that is not reading, beyond which lines are dropped (and counted). stdout
 * and stderr as pipes are non-blocking in Node: a log shipper that stalls would otherwise have every access-log
 * line kept in the gateway's heap until it resumes, without bound.
 */
export const MAX_UNREAD_LOG_BYTES = 4 * 1024 * 1024;
let droppedLines = 0;

/** AMG_LOG_LEVEL as a level, in any case (`DEBUG` as `debug`); undefined when unset or not a level. */
function levelFromEnv(): LogLevel | undefined {
  const value = process.env.AMG_LOG_LEVEL?.trim().toLowerCase();
  return value && Object.hasOwn(ORDER, value) ? (value as LogLevel) : undefined;
}

let threshold = ORDER[levelFromEnv() ?? 'info'];
// stderr until a gateway applies its config: the CLI's other commands keep stdout for their output.
let sink: Sink = process.stderr;
/** The AMG_LOG_LEVEL value already reported as not a level (a config change applies the settings again). */
let reportedEnvLevel: string | undefined;

/** Whether a config's `log` settings were applied (else lines go to stderr, the CLI's stream). */
let configured = false;

/** Applies the config's `log` settings (at start and on every config change). */
export function configureLog(settings: { level: LogLevel; output: 'stdout' | 'stderr' }): void {
  configured = true;
  const fromEnv = levelFromEnv();
  threshold = ORDER[fromEnv ?? settings.level];
  sink = settings.output === 'stderr' ? process.stderr : process.stdout;
  const value = process.env.AMG_LOG_LEVEL;
  if (fromEnv === undefined && value?.trim() && value !== reportedEnvLevel) {
    // Whatever the level: someone asked for a level and gets another one.
    reportedEnvLevel = value;
    const notice = {
      time: new Date().toISOString(),
      level: 'warn',
      msg: 'AMG_LOG_LEVEL is not a log level; using log.level',
    };
    emit(`${JSON.stringify({ ...notice, value, levels: Object.keys(ORDER), log_level: settings.level })}\n`);
  }
}

let redirected: Sink | undefined;

/** Sends log lines somewhere else whatever the config says (tests); returns the function that undoes it. */
export function redirectLog(to: Sink): () => void {
  redirected = to;
  return () => {
    redirected = undefined;
  };
}

/** Standard streams whose reader went away (EPIPE: `amg serve | head -1`, a log shipper that died). */
const closedOutputs = new Set<Sink>();

/**
 * Keeps a closed stdout or stderr from ending the process: a write to a pipe nobody reads any more fails with
 * EPIPE, and an 'error' event with no listener is an uncaught exception that would take every request in flight
 * down with it. Log lines meant for a closed stream go to the other one while it is open (one notice says so),
 * else nowhere. Installed by `amg serve` before its banner.
 */
export function surviveClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', function outputClosed(error: NodeJS.ErrnoException) {
      if (closedOutputs.has(stream)) return;
      closedOutputs.add(stream);
      const other = stream === process.stdout ? process.stderr : process.stdout;
      const name = stream === process.stdout ? 'stdout' : 'stderr';
      if (!closedOutputs.has(other)) {
        const notice = { time: new Date().toISOString(), level: 'warn', msg: `${name} closed; logging here instead` };
        other.write(`${JSON.stringify({ ...notice, error: error.code ?? error.message })}\n`);
      }
    });
  }
}

/** Where a line goes now: the configured stream, or the other standard stream once it is closed. */
function output(): Sink | undefined {
  const target = redirected ?? sink;
  if (!closedOutputs.has(target)) return target;
  const other = target === process.stdout ? process.stderr : process.stdout;
  return closedOutputs.has(other) ? undefined : other;
}

/** Writes one line, unless the reader has fallen more than MAX_UNREAD_LOG_BYTES behind: then it is counted. */
function emit(line: string): void {
  const target = output();
  if (target === undefined) return;
  if ((target.writableLength ?? 0) > MAX_UNREAD_LOG_BYTES) {
    droppedLines++;
    return;
  }
  if (droppedLines > 0) {
    const notice = {
      time: new Date().toISOString(),
      level: 'warn',
      msg: 'log lines dropped: the log stream was not read',
    };
    target.write(`${JSON.stringify({ ...notice, dropped: droppedLines })}\n`);
    droppedLines = 0;
  }
  target.write(line);
}

function write(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < threshold) return;
  emit(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`);
}

/**
 * Why `amg serve` did not start, as one error line on the log stream: the configured one, or stdout (the default
 * `log.output`) when no config could be applied (an invalid file), so a collector reading that stream learns why
 * the gateway exited rather than seeing nothing.
 */
export function logStartFailure(fields: Record<string, unknown>): void {
  if (!configured) sink = process.stdout;
  write('error', 'gateway not started', fields);
}

/** An access-log line: written whatever the level, since turning the access log on asks for it. */
export function writeAccessLine(fields: Record<string, unknown>): void {
  emit(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'request', ...fields })}\n`);
}

export const log = {
  debug: (message: string, fields?: Record<string, unknown>) => write('debug', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};
