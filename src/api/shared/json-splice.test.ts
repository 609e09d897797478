import { describe, expect, it } from 'vitest';
import {
  editedBody,
  prependEdit,
  prependTopLevelField,
  replaceTopLevelString,
  topLevelStringEdit,
} from './json-splice.js';

const replaceModel = (text: string, current: string, value: string) =>
  replaceTopLevelString(Buffer.from(text), 'model', current, value)?.toString();

describe('replaceTopLevelString', () => {
  it('rewrites only the model value and keeps every other byte as the client sent it', () => {
    const text = '{ "seed": 12345678901234567890, "model" :  "alias", "temperature": 1.0, "x": [1e2] }';
    expect(replaceModel(text, 'alias', 'gpt-4o-mini')).toBe(
      '{ "seed": 12345678901234567890, "model" :  "gpt-4o-mini", "temperature": 1.0, "x": [1e2] }',
    );
  });

  it('ignores nested "model" keys and string values and finds the top-level one wherever it is', () => {
    const text = JSON.stringify({
      messages: [{ role: 'model', content: 'say "model": "x" {[' }],
      tools: [{ parameters: { properties: { model: { type: 'string' } } } }],
      model: 'alias',
      metadata: { model: 'alias' },
    });
    const out = JSON.parse(replaceModel(text, 'alias', 'upstream-model') as string);
    expect(out.model).toBe('upstream-model');
    expect(out.metadata.model).toBe('alias');
    expect(out.messages[0]).toEqual({ role: 'model', content: 'say "model": "x" {[' });
  });

  it('takes the last duplicate key, as JSON.parse does', () => {
    expect(replaceModel('{"model":"a","model":"b"}', 'b', 'c')).toBe('{"model":"a","model":"c"}');
  });

  it('handles escaped quotes and backslashes before the key', () => {
    const text = '{"content":"a\\\\","x":"\\"model\\"","model":"m"}';
    expect(JSON.parse(text).model).toBe('m');
    expect(JSON.parse(replaceModel(text, 'm', 'n') as string)).toEqual({ content: 'a\\', x: '"model"', model: 'n' });
  });

  it('escapes the new value and keeps unicode around it', () => {
    const text = '{"prompt":"héllo ✓","model":"m"}';
    expect(JSON.parse(replaceModel(text, 'm', 'we"ird') as string)).toEqual({ prompt: 'héllo ✓', model: 'we"ird' });
  });

  it('declines when the bytes do not hold the parsed value (an escaped key), so the caller re-serialises', () => {
    const text = '{"mod\\u0065l":"m","x":{"model":"m2"}}';
    expect(replaceModel(text, 'm', 'n')).toBeUndefined();
  });
});

describe('prependTopLevelField', () => {
  it('adds a member at the start of the object', () => {
    const out = prependTopLevelField(Buffer.from(' {"a":1}'), 'stream_options', '{"include_usage":true}');
    expect(JSON.parse(out?.toString() as string)).toEqual({ a: 1, stream_options: { include_usage: true } });
  });

  it('handles an empty object', () => {
    expect(prependTopLevelField(Buffer.from('{ }'), 'k', 'true')?.toString()).toBe('{"k":true }');
  });
});

describe('editedBody', () => {
  it('applies a new first member and a model rewrite in one copy, multi-byte text around them kept', () => {
    const raw = Buffer.from('{"prompt":"héllo ✓","model":"m","n":"ü"}');
    const usage = prependEdit(raw, 'stream_options', '{"include_usage":true}');
    const model = topLevelStringEdit(raw, 'model', 'm', 'gpt-ö');
    if (!usage || !model) throw new Error('both edits apply');
    expect(editedBody(raw, [usage, model]).toString()).toBe(
      '{"stream_options":{"include_usage":true},"prompt":"héllo ✓","model":"gpt-ö","n":"ü"}',
    );
    expect(raw.toString()).toBe('{"prompt":"héllo ✓","model":"m","n":"ü"}');
  });

  it('returns an equal copy when there is nothing to change', () => {
    const raw = Buffer.from('{"a":1}');
    const out = editedBody(raw, []);
    expect(out).toEqual(raw);
    expect(out).not.toBe(raw);
  });
});
