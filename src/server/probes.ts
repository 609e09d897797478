import type { IncomingMessage, ServerResponse } from 'node:http';
import { STORE_TAG_HEADER } from '../store/store-tag.js';
import type { Readiness } from './readiness.js';

function answer(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  head: boolean,
  extra: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(head ? undefined : text);
}

/**
 * `/healthz` (liveness: the process serves) and `/readyz` (readiness: send traffic here), without auth, on
 * every listener so a load balancer probes the port it sends traffic to. Returns false for any other path.
 */
export function probeHandler(
  readiness: Readiness,
  storeTag?: string,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  // Lets the local CLI tell whether the gateway answering here is the one using its store (see store-tag.ts).
  const tagged: Record<string, string> = storeTag ? { [STORE_TAG_HEADER]: storeTag } : {};
  return function answerProbe(req, res) {
    const url = req.url ?? '/';
    const path = url.includes('?') ? url.slice(0, url.indexOf('?')) : url;
    if (path !== '/healthz' && path !== '/readyz') return false;
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.setHeader('allow', 'GET, HEAD');
      answer(res, 405, { error: { code: 'GW_ERR_METHOD_NOT_ALLOWED', message: `${req.method} not allowed` } }, head);
      return true;
    }
    if (path === '/healthz') {
      answer(res, 200, { status: 'ok' }, head, tagged);
      return true;
    }
    readiness.check().then(
      (state) => {
        const warnings = state.warnings ? { warnings: state.warnings } : {};
        return state.ready
          ? answer(res, 200, { status: 'ready', ...warnings }, head)
          : answer(res, 503, { status: 'not_ready', reason: state.reason, ...warnings }, head);
      },
      (error: unknown) => answer(res, 503, { status: 'not_ready', reason: String(error) }, head),
    );
    return true;
  };
}
