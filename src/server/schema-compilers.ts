import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

/** Fastify's own dependencies, resolved from where Fastify is (they are not ours). */
const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'));

type Build = (...args: unknown[]) => unknown;

/** The factory of a compiler package, loaded and made once, when Fastify first asks for a compiler. */
function onFirstUse(name: string): Build {
  let build: Build | undefined;
  return (...args) => {
    build ??= (fastifyRequire(name) as () => Build)();
    return build(...args);
  };
}

/**
 * Fastify's schema compilers (Ajv for validation, fast-json-stringify for responses), loaded when a route first
 * declares a schema: Fastify loads both when it is created, ~100 modules that an idle gateway kept in memory
 * (issue 14), and no route of ours declares a schema (zod checks bodies). The same compilers with the same
 * options when one does; the one difference is that Fastify then counts them as custom, and leaves a headers
 * schema's keys as written instead of lowercasing them.
 */
export const schemaCompilersOnFirstUse = {
  compilersFactory: {
    buildValidator: onFirstUse('@fastify/ajv-compiler'),
    buildSerializer: onFirstUse('@fastify/fast-json-stringify-compiler'),
  },
} as unknown as NonNullable<FastifyServerOptions['schemaController']>;
