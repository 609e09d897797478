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
    const rated = event('"b"').replace('"index": 0', '"finishReason": "STOP","safetyRatings": [],"index": 0');
    expect(shape.literal(rated)).toBeUndefined();
    expect(shape.literal(event('"c"'))).toBe('"c"');
  });

  it('reads the finish reason, model and response id of the chunk it took', () => {
    const shape = new TextChunkShape();
    expect(shape.literal(event('"a"'))).toBe('"a"');
    expect([shape.finishReason, shape.modelVersion, shape.responseId]).toEqual([undefined, 'gemini-2.5-flash', 'r1']);
    const final = '{"promptTokenCount": 7,"candidatesTokenCount": 2,"totalTokenCount": 9}';
    expect(shape.literal(event('"b"', final).replace('"index": 0', '"finishReason": "MAX_TOKENS","index": 0'))).toBe(
      '"b"',
    );
    expect([shape.finishReason, shape.usage]).toEqual(['MAX_TOKENS', final]);
  });
});
