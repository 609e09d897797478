import { describe, expect, it } from 'vitest';
import { TextChunkShape } from './text-chunk-shape.js';

const usage = '{"promptTokenCount": 7,"totalTokenCount": 7}';
/** A text chunk as Google writes it, around a text literal given as sent. */
const event = (literal: string, usageText = usage) =>
  `{"candidates": [{"content": {"parts": [{"text": ${literal}}],"role": "model"},"index": 0}],"usageMetadata": ${usageText},"modelVersion": "gemini-2.5-flash","responseId": "r1"}`;

describe('TextChunkShape', () => {
  it('takes the literal of each text chunk, escapes included, after the first', () => {
    const shape = new TextChunkShape();
    for (const literal of ['"Hel"', '"lo"', '"say \\"hi\\""', '"\\u003cb\\u003e"', '"a\\\\"', '"é 🦊"', '""']) {
      expect(shape.literal(event(literal))).toBe(literal);
      expect(shape.usage).toBe(usage);
    }
  });

  it('follows a usage, model or spacing that changed', () => {
    const shape = new TextChunkShape();
    expect(shape.literal(event('"a"'))).toBe('"a"');
    const later = '{"promptTokenCount": 7,"candidatesTokenCount": 2,"totalTokenCount": 9}';
    expect(shape.literal(event('"b"', later))).toBe('"b"');
    expect(shape.usage).toBe(later);
    const compact = '{"candidates":[{"content":{"parts":[{"text":"c"}],"role":"model"}}],"modelVersion":"m2"}';
    expect(shape.literal(compact)).toBe('"c"');
    expect(shape.usage).toBeUndefined();
  });

  it('takes nothing between the kept start and end that is not one valid literal', () => {
    const shape = new TextChunkShape();
    shape.literal(event('"a"'));
    const twoCandidates = '"a"}],"role": "model"},"index": 0},{"content": {"parts": [{"text": "b"';
    for (const middle of [twoCandidates, '"a\tb"', '"a\\"', '"\\x41"', '"a"b"', '"', 'null']) {
      expect(shape.literal(event(middle))).toBeUndefined();
    }
    expect(shape.literal(event('"b"').replace('"index": 0', '"index": 0,"finishReason": "STOP"'))).toBeUndefined();
    expect(shape.literal(event('"c"'))).toBe('"c"');
  });
});
