import type { FastifyInstance } from 'fastify';
import type { ConfigWorkflow } from '../config/change/config-workflow.js';
import { problemLines } from '../config/change/problem-lines.js';
import { actorOf } from './admin-auth.js';
import {
  optionalSource,
  parseDraftSource,
  parseHistoryQuery,
  parsePublishBody,
  parseRollbackBody,
  parseWindow,
} from './config-request.js';

type Body = Record<string, unknown> | undefined;

/** The configuration change workflow under /admin/api/config (the same operations as `amg config`). */
export async function configRoutes(app: FastifyInstance, workflow: ConfigWorkflow): Promise<void> {
  const read = { config: { access: 'read' as const } };

  app.post('/config/validate', read, async (request) => {
    const source = parseDraftSource(request.body, 'body');
    const result = await workflow.validate(source);
    if (!('content' in source)) return result;
    // Lines for the editor: the draft's own text locates each problem.
    const name = source.name ?? 'draft';
    return {
      ...result,
      errors: problemLines(source.content, name, result.errors),
      warnings: problemLines(source.content, name, result.warnings),
    };
  });

  app.post('/config/diff', read, async (request) => {
    const body = (request.body ?? {}) as Body;
    return workflow.diff(parseDraftSource(body?.target, 'target'), optionalSource(body?.base, 'base'));
  });

  app.post('/config/preview', read, async (request) => {
    const body = (request.body ?? {}) as Body;
    return workflow.preview(parseDraftSource(body?.target, 'target'), parseWindow(body?.window));
  });

  app.post('/config/publish', { config: { action: 'config.publish' } }, async (request, reply) => {
    const outcome = await workflow.publish(parsePublishBody(request.body), actorOf(request));
    return reply.code(outcome.status === 'published' ? 201 : 200).send(outcome);
  });

  app.post('/config/rollback', { config: { action: 'config.rollback' } }, async (request, reply) => {
    const { to, message } = parseRollbackBody(request.body);
    const outcome = await workflow.rollback({ to, message, source: 'rollback' }, actorOf(request));
    return reply.code(outcome.status === 'published' ? 201 : 200).send(outcome);
  });

  app.get('/config/revisions', async (request) =>
    workflow.history(parseHistoryQuery(request.query as Record<string, string | undefined>)),
  );

  app.get('/config/revisions/:number', async (request) => {
    const number = Number((request.params as { number: string }).number);
    if (!Number.isInteger(number)) throw new RangeError('the revision must be a number');
    return workflow.show(number);
  });

  app.get('/config/export', { config: { action: 'config.export' } }, async (request, reply) => {
    const exported = await workflow.export(actorOf(request));
    if ((request.query as { format?: string }).format === 'yaml') {
      return reply.type('application/yaml').send(exported.content);
    }
    return exported;
  });
}
