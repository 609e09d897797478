import { describe, expect, it } from 'vitest';
import { SseRelayFramer } from './sse-relay-framer.js';

const delta = (text: string) =>
  `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"${text}"}\n\n`;

describe('SseRelayFramer', () => {
  it('passes whole events on untouched, the same bytes when none is dropped', () => {
    const framer = new SseRelayFramer();
    const block = Buffer.from(delta('a') + delta('b'));
    expect(framer.push(block)).toBe(block);
  });

  it('holds an unfinished event until its blank line arrives', () => {
    const framer = new SseRelayFramer();
    const event = delta('a');
    expect(framer.push(Buffer.from(event.slice(0, 30)))).toBeUndefined();
    expect(framer.push(Buffer.from(event.slice(30)))?.toString()).toBe(event);
  });

  it('drops events with an `event:` line and no data, whatever other fields or line ends they have', () => {
    const framer = new SseRelayFramer();
    const block = `event: ping\n\n${delta('a')}event: ping\r\nid: 7\r\n\r\n: comment\n\n${delta('b')}event: keepalive\n\n`;
    expect(framer.push(Buffer.from(block))?.toString()).toBe(`${delta('a')}: comment\n\n${delta('b')}`);
  });

  it('ends a whole last event left without its blank line, and drops one cut inside its data', () => {
    const whole = new SseRelayFramer();
    whole.push(Buffer.from(delta('a').trimEnd()));
    expect(whole.end()?.toString()).toBe(delta('a'));
    const cut = new SseRelayFramer();
    cut.push(Buffer.from(delta('a').slice(0, 60)));
    expect(cut.end()).toBeUndefined();
  });
});
