import { afterEach, describe, expect, it } from 'vitest';
import { log, MAX_UNREAD_LOG_BYTES, redirectLog, writeAccessLine } from './log.js';

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
