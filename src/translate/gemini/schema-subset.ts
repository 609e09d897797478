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
 * for generation (`$schema`, `$id`, `$comment`, `examples`, ...) are dropped silently. Gemini resolves no
 * `$ref`, so a reference into the schema itself (`#/$defs/Address`, as pydantic and zod write nested models) is
 * replaced by what it names, its sibling keywords (a `description`) kept, and an `allOf` of one schema (pydantic's
 * older wrapper around such a reference) by that schema. A recursive reference (a tree), which no inlining can
 * end, and a reference to another document are refused naming the place.
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

/** At most this many references are inlined in one schema: each copies a subschema, so nesting multiplies them. */
const MAX_INLINED = 256;

/**
 * A fragment's token without its percent-encoding; a token that is not valid percent-encoding (`100%`, which a
 * hand-written schema may name a definition) is taken as written rather than failing the request as a crash.
 */
function uriDecoded(token: string): string {
  try {
    return decodeURIComponent(token);
  } catch {
    return token;
  }
}

/** The subschema a local reference (`#/$defs/A`, a JSON Pointer into the root) names, or undefined. */
function resolveLocal(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const token of ref.slice(1).split('/').slice(1)) {
    const key = uriDecoded(token).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isSchema(node) ? node[key] : undefined;
  }
  return isSchema(node) ? node : undefined;
}

class SchemaConverter {
  /** The references being inlined, outermost first: one met again inside itself is recursive. */
  private readonly resolving: string[] = [];
  private inlined = 0;

  constructor(
    private readonly hints: HintReport | undefined,
    private readonly root: Schema,
  ) {}

  /** `schema` with its `$ref` replaced by what it names; the reference's siblings win over the target's fields. */
  private inline(schema: Schema, path: string): Schema {
    const { $ref: ref, ...siblings } = schema;
    const target = typeof ref === 'string' ? resolveLocal(this.root, ref) : undefined;
    if (!target) {
      throw errors.invalidBody(
        `Gemini cannot resolve $ref ${JSON.stringify(ref)} in a function schema; only references into the schema itself (#/$defs/...) are inlined`,
        path,
      );
    }
    if (this.resolving.includes(ref as string)) {
      throw errors.invalidBody(
        `Gemini cannot express the recursive $ref ${JSON.stringify(ref)} in a function schema`,
        path,
      );
    }
    if (++this.inlined > MAX_INLINED) {
      throw errors.invalidBody(`the function schema has more than ${MAX_INLINED} $ref uses to inline for Gemini`, path);
    }
    this.resolving.push(ref as string);
    const resolved = this.convert(target, path);
    this.resolving.pop();
    return { ...resolved, ...this.convert(siblings, path) };
  }

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
    if ('$ref' in schema) return this.inline(schema, path);
    const { allOf } = schema;
    if (Array.isArray(allOf) && allOf.length === 1 && isSchema(allOf[0])) {
      const { allOf: _, ...rest } = schema;
      return { ...this.convert(allOf[0], `${path}.allOf[0]`), ...this.convert(rest, path) };
    }
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
  return new SchemaConverter(hints, parameters).convert({ type: 'object', ...parameters }, path);
}
