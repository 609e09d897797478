import { describe, expect, it } from 'vitest';
import type { IrStreamEvent } from '../ir/types.js';
import { ToolCallSequencer } from './tool-call-sequencer.js';

const start = (index: number): IrStreamEvent => ({
  type: 'block_start',
  index,
  block: { type: 'tool_call', id: `call_${index}`, name: `f${index}` },
});
const args = (index: number, json: string): IrStreamEvent => ({ type: 'tool_args_delta', index, json });
const stop = (index: number): IrStreamEvent => ({ type: 'block_stop', index });
const finish: IrStreamEvent = {
  type: 'finish',
  stopReason: 'tool_use',
  usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
};

function run(events: IrStreamEvent[]): IrStreamEvent[][] {
  const sequencer = new ToolCallSequencer();
  return events.map((event) => sequencer.push(event));
}

describe('ToolCallSequencer', () => {
  it('holds a later call until the earlier one closes, then releases it in order', () => {
    const out = run([start(0), args(0, 'a'), start(1), args(1, 'b'), args(0, 'c'), stop(0), args(1, 'd'), stop(1)]);
    expect(out).toEqual([
      [start(0)],
      [args(0, 'a')],
      [],
      [],
      [args(0, 'c')],
      [stop(0), start(1), args(1, 'b')],
      [args(1, 'd')],
      [stop(1)],
    ]);
  });

  it('releases several finished calls at once and keeps the first unfinished one active', () => {
    const out = run([start(0), start(1), args(1, 'x'), stop(1), start(2), args(2, 'y'), stop(0), args(2, 'z')]);
    expect(out.flat()).toEqual([
      start(0),
      stop(0),
      start(1),
      args(1, 'x'),
      stop(1),
      start(2),
      args(2, 'y'),
      args(2, 'z'),
    ]);
  });

  it('flushes whatever is still held before the finish', () => {
    const out = run([start(0), start(1), args(1, 'x'), finish]);
    expect(out.at(-1)).toEqual([start(1), args(1, 'x'), finish]);
  });

  it('passes sequential calls and other blocks straight through', () => {
    const text: IrStreamEvent[] = [
      { type: 'block_start', index: 0, block: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'hi' },
      stop(0),
    ];
    const events = [...text, start(1), args(1, '{}'), stop(1), start(2), stop(2), finish];
    expect(run(events)).toEqual(events.map((event) => [event]));
  });
});
