/**
 * Structured logging: one JSON object per line with time, level, msg and (for a request's events) request_id.
 * Never pass secrets or bodies here. Level and output come from the config (`log`); AMG_LOG_LEVEL overrides the
 * level, for turning on debug output without editing the config.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

interface Sink {
  write(line: string): unknown;
}

function levelFromEnv(): LogLevel | undefined {
  const value = process.env.AMG_LOG_LEVEL;
  return value !== undefined && value in ORDER ? (value as LogLevel) : undefined;
}

let threshold = ORDER[levelFromEnv() ?? 'info'];
// stderr until a gateway applies its config: the CLI's other commands keep stdout for their output.
let sink: Sink = process.stderr;

/** Applies the config's `log` settings (at start and on every config change). */
export function configureLog(settings: { level: LogLevel; output: 'stdout' | 'stderr' }): void {
  threshold = ORDER[levelFromEnv() ?? settings.level];
  sink = settings.output === 'stderr' ? process.stderr : process.stdout;
}

let redirected: Sink | undefined;

/** Sends log lines somewhere else whatever the config says (tests); returns the function that undoes it. */
export function redirectLog(to: Sink): () => void {
  redirected = to;
  return () => {
    redirected = undefined;
  };
}

function write(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < threshold) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields });
  (redirected ?? sink).write(`${line}\n`);
}

/** An access-log line: written whatever the level, since turning the access log on asks for it. */
export function writeAccessLine(fields: Record<string, unknown>): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'request', ...fields });
  (redirected ?? sink).write(`${line}\n`);
}

export const log = {
  debug: (message: string, fields?: Record<string, unknown>) => write('debug', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};
