import { errors } from '../../errors/codes.js';
import type { HintReport } from '../shared/hint-report.js';

/**
 * A tool's JSON Schema in the subset Gemini's function declarations take (OpenAPI 3.0's Schema, whose unknown
 * fields the API refuses). What has an equivalent is rewritten to it:
 * - `type: [T, "null"]` becomes `nullable`, and several types an `anyOf` of each;
 * - `oneOf` becomes `anyOf` (the arguments a model writes match one branch either way);
 * - `const` becomes a one-value `enum` (Gemini's enums are strings; another constant is dropped);
 * - `exclusiveMinimum`/`exclusiveMaximum` become `minimum`/`maximum`, one step inside for an integer.
 * Constraints with no equivalent (`additionalProperties`, `propertyNames`, `uniqueItems`, `multipleOf`, a
 * non-string enum, ...) are dropped and reported as `tools[].parameters.<keyword>`; annotations with no meaning
 * for generation (`$schema`, `$id`, `$comment`, `examples`, ...) are dropped silently. `$ref`, which Gemini
 * cannot resolve, is refused naming the tool.
 */

const KEPT = new Set([
  'format',
  'title',
  'description',
  'nullable',
  'maxItems',
  'minItems',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'propertyOrdering',
  'default',
  'minimum',
  'maximum',
]);

/** Annotations: no constraint on the arguments, so nothing is lost by leaving them out. */
const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$comment',
  '$defs',
  'definitions',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'contentEncoding',
  'contentMediaType',
]);

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

class SchemaConverter {
  constructor(private readonly hints: HintReport | undefined) {}

  private drop(keyword: string): void {
    this.hints?.drop(`tools[].parameters.${keyword}`);
  }

  private child(value: unknown, path: string): unknown {
    return isSchema(value) ? this.convert(value, path) : value;
  }

  private branches(value: unknown, path: string): unknown[] | undefined {
    return Array.isArray(value) ? value.map((item, i) => this.child(item, `${path}[${i}]`)) : undefined;
  }

  /** `type`, with null folded into `nullable` and several types into an `anyOf`. */
  private type(value: unknown, out: Schema): void {
    if (!Array.isArray(value)) {
      out.type = value;
      return;
    }
    const types = value.filter((type) => type !== 'null');
    if (types.length !== value.length) out.nullable = true;
    if (types.length === 1) out.type = types[0];
    else if (types.length > 1) out.anyOf = types.map((type) => ({ type }));
  }

  private enumOf(values: unknown[], out: Schema, keyword: string): void {
    if (values.every((item) => typeof item === 'string')) {
      out.enum = values;
      out.type ??= 'string';
    } else {
      this.drop(keyword);
    }
  }

  /** Gemini has only inclusive bounds: an integer's exclusive bound is the next integer inside. */
  private exclusive(schema: Schema, key: 'exclusiveMinimum' | 'exclusiveMaximum', out: Schema): void {
    const bound = schema[key];
    if (typeof bound !== 'number') {
      this.drop(key);
      return;
    }
    const step = schema.type === 'integer' && Number.isInteger(bound) ? 1 : 0;
    if (step === 0) this.drop(key);
    if (key === 'exclusiveMinimum') out.minimum = bound + step;
    else out.maximum = bound - step;
  }

  convert(schema: Schema, path: string): Schema {
    if ('$ref' in schema) throw errors.invalidBody('Gemini cannot resolve $ref in a function schema; inline it', path);
    const out: Schema = {};
    for (const [key, value] of Object.entries(schema)) {
      if (KEPT.has(key)) out[key] = value;
      else if (key === 'type') this.type(value, out);
      else if (key === 'properties' && isSchema(value)) {
        out.properties = Object.fromEntries(
          Object.entries(value).map(([name, child]) => [name, this.child(child, `${path}.${name}`)]),
        );
      } else if (key === 'items' && isSchema(value)) out.items = this.convert(value, `${path}.items`);
      else if ((key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
        out.anyOf = this.branches(value, `${path}.${key}`);
      } else if (key === 'enum' && Array.isArray(value)) this.enumOf(value, out, 'enum');
      else if (key === 'const') this.enumOf([value], out, 'const');
      else if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') this.exclusive(schema, key, out);
      else if (!ANNOTATIONS.has(key)) this.drop(key);
    }
    return out;
  }
}

export function geminiSchema(parameters: Record<string, unknown>, path: string, hints?: HintReport): Schema {
  return new SchemaConverter(hints).convert({ type: 'object', ...parameters }, path);
}
