import type { OutgoingHttpHeaders } from 'node:http';

/**
 * Response headers of every server-sent-event stream the gateway sends, a fresh object per response (the gateway
 * adds its own headers to it). Made by a literal, not by spreading a shared constant: V8 gives the spread copy a
 * shape whose added properties miss the store inline caches on every response (`node --log-ic`: one miss per
 * header the gateway adds, per stream, five for every stream and eleven with a limited key's rate-limit headers,
 * each a runtime call), where a literal's shape keeps its transitions cached.
 */
export function sseHeaders(): OutgoingHttpHeaders {
  return {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  };
}
