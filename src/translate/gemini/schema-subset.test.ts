import { describe, expect, it } from 'vitest';
import { HintReport } from '../shared/hint-report.js';
import { geminiSchema } from './schema-subset.js';

describe('geminiSchema', () => {
  it("translates a coding agent's tool schema into Gemini's subset, reporting the constraints it cannot express", () => {
    const hints = new HintReport();
    const schema = geminiSchema(
      {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        additionalProperties: false,
        properties: {
          command: { type: 'string', description: 'The command to run' },
          timeout: { type: 'number', exclusiveMinimum: 0, maximum: 600_000 },
          head_limit: { type: 'integer', exclusiveMinimum: 0 },
          mode: { const: 'replace' },
          output: { type: 'string', enum: ['content', 'files_with_matches'] },
          env: { type: 'object', propertyNames: { pattern: '^[A-Z_]+$' }, additionalProperties: { type: 'string' } },
          target: {
            oneOf: [
              { type: 'string', format: 'uri' },
              { type: 'integer', minimum: 1 },
            ],
          },
          tags: { type: 'array', items: { type: ['string', 'null'] }, uniqueItems: true },
          value: { type: ['string', 'number'] },
        },
        required: ['command'],
      },
      'tools[0].parameters',
      hints,
    );
    expect(schema).toEqual({
      type: 'object',
      properties: {
        command: { type: 'string', description: 'The command to run' },
        timeout: { type: 'number', minimum: 0, maximum: 600_000 },
        head_limit: { type: 'integer', minimum: 1 },
        mode: { type: 'string', enum: ['replace'] },
        output: { type: 'string', enum: ['content', 'files_with_matches'] },
        env: { type: 'object' },
        target: {
          anyOf: [
            { type: 'string', format: 'uri' },
            { type: 'integer', minimum: 1 },
          ],
        },
        tags: { type: 'array', items: { type: 'string', nullable: true } },
        value: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      },
      required: ['command'],
    });
    expect(hints.dropped).toEqual([
      'tools[].parameters.additionalProperties',
      'tools[].parameters.exclusiveMinimum',
      'tools[].parameters.propertyNames',
      'tools[].parameters.uniqueItems',
    ]);
  });

  it('drops and reports an enum or constant that is not a string, which Gemini cannot express', () => {
    const hints = new HintReport();
    const schema = geminiSchema(
      { properties: { level: { type: 'integer', enum: [1, 2, 3] }, on: { const: true } } },
      'tools[0].parameters',
      hints,
    );
    expect(schema).toEqual({ type: 'object', properties: { level: { type: 'integer' }, on: {} } });
    expect(hints.dropped).toEqual(['tools[].parameters.enum', 'tools[].parameters.const']);
  });

  it("inlines a reference into the schema's own $defs, as pydantic writes nested models, siblings kept", () => {
    const address = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const schema = geminiSchema(
      {
        $defs: { Address: address, Kind: { type: 'string', enum: ['home', 'work'] } },
        properties: {
          home: { $ref: '#/$defs/Address', description: 'Where they live' },
          // pydantic before 2.9 wrapped a described reference in an allOf of one.
          work: { allOf: [{ $ref: '#/$defs/Address' }], description: 'Where they work' },
          kinds: { type: 'array', items: { $ref: '#/$defs/Kind' } },
        },
      },
      'tools[0].parameters',
    );
    expect(schema).toEqual({
      type: 'object',
      properties: {
        home: { ...address, description: 'Where they live' },
        work: { ...address, description: 'Where they work' },
        kinds: { type: 'array', items: { type: 'string', enum: ['home', 'work'] } },
      },
    });
  });

  it('refuses a recursive $ref and one into another document, naming where it is', () => {
    const tree = {
      $defs: { Node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/Node' } } } } },
      properties: { root: { $ref: '#/$defs/Node' } },
    };
    expect(() => geminiSchema(tree, 'tools[2].parameters')).toThrow(
      expect.objectContaining({
        status: 400,
        param: 'tools[2].parameters.root.children.items',
        message: expect.stringContaining('recursive'),
      }),
    );
    expect(() =>
      geminiSchema({ properties: { a: { $ref: 'https://example.com/a.json' } } }, 'tools[2].parameters'),
    ).toThrow(expect.objectContaining({ status: 400, param: 'tools[2].parameters.a' }));
  });

  it('takes a reference whose name is not valid percent-encoding as written (it crashed the request)', () => {
    const schema = { $defs: { '100%': { type: 'string' } }, properties: { a: { $ref: '#/$defs/100%' } } };
    expect(geminiSchema(schema, 'tools[0].parameters').properties).toEqual({ a: { type: 'string' } });
    const missing = { properties: { a: { $ref: '#/$defs/%E0' } } };
    expect(() => geminiSchema(missing, 'tools[0].parameters')).toThrow(
      expect.objectContaining({ status: 400, param: 'tools[0].parameters.a' }),
    );
  });
});
