import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { schemaCompilersOnFirstUse } from './schema-compilers.js';

describe('schemaCompilersOnFirstUse', () => {
  it("validates and serializes with Fastify's own compilers when a route declares a schema", async () => {
    const app = Fastify({ logger: false, schemaController: schemaCompilersOnFirstUse });
    app.post(
      '/echo',
      {
        schema: {
          body: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } },
          response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } },
        },
      },
      async (request) => ({ n: (request.body as { n: number }).n, dropped: 'by the response schema' }),
    );
    try {
      const good = await app.inject({ method: 'POST', url: '/echo', payload: { n: 3 } });
      expect(good.statusCode).toBe(200);
      expect(good.json()).toEqual({ n: 3 });
      const bad = await app.inject({ method: 'POST', url: '/echo', payload: { n: 'three' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toContain('body/n must be integer');
    } finally {
      await app.close();
    }
  });
});
