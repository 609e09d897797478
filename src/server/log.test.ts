import { afterEach, describe, expect, it, vi } from 'vitest';
import { configureLog, type LogLevel, log, MAX_UNREAD_LOG_BYTES, redirectLog, writeAccessLine } from './log.js';

/** A stream whose reader has taken nothing of the last `writableLength` bytes. */
function pipe(): { lines: string[]; writableLength: number; write(line: string): void } {
  return {
    lines: [],
    writableLength: 0,
    write(line: string) {
      this.lines.push(line);
    },
  };
}

describe('log lines for a reader that stopped reading', () => {
  let restore: (() => void) | undefined;
  afterEach(() => restore?.());

  it('drops lines while more than the bound is unread, then says how many', () => {
    const stream = pipe();
    restore = redirectLog(stream);
    log.warn('before');
    stream.writableLength = MAX_UNREAD_LOG_BYTES + 1;
    for (let i = 0; i < 1000; i++) writeAccessLine({ request_id: `r${i}` });
    log.error('while stalled');
    expect(stream.lines).toHaveLength(1);

    stream.writableLength = 0;
    log.warn('after');
    expect(stream.lines.map((line) => JSON.parse(line))).toMatchObject([
      { msg: 'before' },
      { level: 'warn', msg: 'log lines dropped: the log stream was not read', dropped: 1001 },
      { msg: 'after' },
    ]);
  });
});

describe('AMG_LOG_LEVEL', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    vi.unstubAllEnvs();
    configureLog({ level: 'warn', output: 'stderr' });
  });

  function linesWith(env: string, level: LogLevel): Record<string, unknown>[] {
    const stream = pipe();
    restore = redirectLog(stream);
    vi.stubEnv('AMG_LOG_LEVEL', env);
    configureLog({ level, output: 'stdout' });
    // A config change applies the settings again: a warning about the variable is not repeated.
    configureLog({ level, output: 'stdout' });
    log.debug('debug line');
    log.info('info line');
    return stream.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it('takes a level in capitals as it does in lower case', () => {
    expect(linesWith('DEBUG', 'error').map((line) => line.msg)).toEqual(['debug line', 'info line']);
  });

  it('says so when the value is not a level, and uses the config’s level', () => {
    for (const value of ['verbose', 'toString']) {
      const lines = linesWith(value, 'info');
      expect(lines).toEqual([
        expect.objectContaining({ level: 'warn', msg: expect.stringContaining('AMG_LOG_LEVEL'), value }),
        expect.objectContaining({ msg: 'info line' }),
      ]);
      restore?.();
    }
  });
});
