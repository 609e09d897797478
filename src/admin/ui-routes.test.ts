import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { uiRoutes } from './ui-routes.js';

describe('uiRoutes', () => {
  let dir = '';
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads the UI files on the first request, not at start', async () => {
    dir = await mkdtemp(join(tmpdir(), 'amg-ui-'));
    const app = Fastify();
    await uiRoutes(app, dir);
    // Built after the routes were registered: a start-time read would have found nothing.
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>amg</title>');
    await writeFile(join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
    const page = await app.inject({ method: 'GET', url: '/admin' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>amg</title>');
    expect(page.headers['cache-control']).toBe('no-store');
    const asset = await app.inject({ method: 'GET', url: '/admin/assets/app-1234.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log(1)');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ method: 'GET', url: '/admin/assets/missing.js' })).statusCode).toBe(404);
    await app.close();
  });

  it('answers 503 with how to build it when the UI is not built', async () => {
    dir = join(tmpdir(), `amg-ui-missing-${process.pid}`);
    const app = Fastify();
    await uiRoutes(app, dir);
    const page = await app.inject({ method: 'GET', url: '/admin' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build');
    await app.close();
  });
});
