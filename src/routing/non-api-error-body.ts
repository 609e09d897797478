import type { IncomingHttpHeaders } from 'node:http';

/** Whether an error body could be an API's JSON error (an empty body counts: there is nothing to reword). */
export function looksLikeJson(body: string): boolean {
  const first = body.trimStart()[0];
  return first === '{' || first === '[' || first === undefined;
}

/**
 * An error body that is no API's error (an HTML page from a proxy, a load balancer's plain text): said so, with
 * its text, tags dropped, and for a 404 the usual cause, a wrong base_url, region or model id (each cloud
 * answers an unknown path with such a page), so the client does not get raw markup as its error message.
 */
export function notAnApiError(status: number, headers: IncomingHttpHeaders, body: string): string {
  const contentType = headers['content-type'];
  const type = contentType?.split(';')[0]?.trim() || 'non-JSON';
  const text = body
    .slice(0, 2_000)
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  const hint = status === 404 ? " (check the provider's base_url, region and the model id)" : '';
  return `the upstream answered ${status} with a ${type} body, not an API error${hint}${text ? `: ${text}` : ''}`;
}
