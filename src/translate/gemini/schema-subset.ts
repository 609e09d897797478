import { errors } from '../../errors/codes.js';

/**
 * A tool's JSON Schema in the subset Gemini's function declarations take (OpenAPI 3.0 Schema): the keywords
 * below are kept, `type: [T, "null"]` becomes `nullable`, keywords with no meaning for generation
 * ($schema, additionalProperties, $comment, examples) are dropped, and `$ref` (which Gemini cannot resolve) is
 * refused naming the tool.
 */

const KEPT = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'items',
  'minimum',
  'maximum',
]);

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function convert(schema: Schema, path: string): Schema {
  if ('$ref' in schema) throw errors.invalidBody('Gemini cannot resolve $ref in a function schema; inline it', path);
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!KEPT.has(key)) continue;
    if (key === 'type' && Array.isArray(value)) {
      const types = value.filter((type) => type !== 'null');
      if (types.length !== value.length) out.nullable = true;
      out.type = types.length === 1 ? types[0] : types;
    } else if (key === 'properties' && isSchema(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [
          name,
          isSchema(child) ? convert(child, `${path}.${name}`) : child,
        ]),
      );
    } else if (key === 'items' && isSchema(value)) {
      out.items = convert(value, `${path}.items`);
    } else if (key === 'anyOf' && Array.isArray(value)) {
      out.anyOf = value.map((child, i) => (isSchema(child) ? convert(child, `${path}.anyOf[${i}]`) : child));
    } else {
      out[key] = value;
    }
  }
  return out;
}

export function geminiSchema(parameters: Record<string, unknown>, path: string): Schema {
  return convert({ type: 'object', ...parameters }, path);
}
