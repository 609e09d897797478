import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { addSecurityHeaders } from './security-headers.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** The built UI (vite writes it to dist/ui); from TypeScript sources (tests) the build's copy is used. */
export function uiDirectory(): string {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../../dist/ui/', here) : new URL('../ui/', here);
  return fileURLToPath(url);
}

async function loadFiles(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  if (!existsSync(dir)) return files;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(`/${relative(dir, path).split('\\').join('/')}`, await readFile(path));
  }
  return files;
}

/**
 * Serves the Admin UI at /admin from memory: a few hundred kilobytes read once, on the first request for the UI,
 * so a gateway whose UI nobody opens does not hold them. Hashed assets are cached for a year; the page itself
 * never, so a new build shows at the next load.
 */
export async function uiRoutes(app: FastifyInstance, dir = uiDirectory()): Promise<void> {
  let loaded: Promise<Map<string, Buffer>> | undefined;
  const filesOf = () => {
    // A failed read is tried again on the next request rather than kept.
    loaded ??= loadFiles(dir).catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
  addSecurityHeaders(app, { cache: true });
  const page = async (_request: unknown, reply: import('fastify').FastifyReply) => {
    const index = (await filesOf()).get('/index.html');
    if (!index) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The Admin UI is not built. Run "npm run build" (npm start does it), then restart.');
    }
    return reply
      .type(TYPES['.html'] as string)
      .header('cache-control', 'no-store')
      .send(index);
  };
  app.get('/admin', page);
  app.get('/admin/', page);
  app.get('/admin/assets/*', async (request, reply) => {
    const path = `/assets/${(request.params as { '*': string })['*']}`;
    const file = (await filesOf()).get(path);
    if (!file) return reply.code(404).type('text/plain').send('not found');
    return reply
      .type(TYPES[extname(path)] ?? 'application/octet-stream')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(file);
  });
}
