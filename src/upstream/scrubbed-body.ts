import type { Readable } from 'node:stream';
import { SecretScrubber } from '../providers/secret-scrubber.js';

/**
 * Scrubs the provider's secrets from an upstream body where its bytes enter the gateway, before anything
 * reads, cuts, relays or records them: every later path (relayed and translated answers, error messages,
 * stream error events, the request log, a target's last error) sees only scrubbed bytes.
 *
 * The scrubber sits in the body's own `push` rather than in a Transform stream: a chunk without an echo
 * costs one `indexOf` per secret and is passed on as the same Buffer, where a Transform would add a stream
 * hop to every chunk of every answer. Bytes the body took in before this was installed (the HTTP parser
 * may push the first read before the response head reaches us) are taken out, scrubbed and put back.
 */
export function scrubbedBody(body: Readable, secrets: readonly string[]): Readable {
  if (secrets.length === 0) return body;
  const scrubber = new SecretScrubber(secrets);
  const push = body.push;
  const original = (chunk: Buffer | null) => push.call(body, chunk);
  body.push = function scrubbedPush(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) {
      const rest = scrubber.end();
      if (rest && rest.length > 0) original(rest);
      return original(null);
    }
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : (chunk as Buffer);
    const out = scrubber.push(bytes);
    return out.length > 0 ? original(out) : true;
  };
  if (body.readableLength > 0) {
    const buffered = body.read() as Buffer | null;
    if (buffered) {
      const out = scrubber.push(buffered);
      const rest = body.readableEnded || isEnded(body) ? scrubber.end() : undefined;
      const front = rest ? Buffer.concat([out, rest]) : out;
      if (front.length > 0) body.unshift(front);
    }
  }
  return body;
}

/** Whether the producer has pushed the end (the 'end' event may not have been emitted yet). */
function isEnded(body: Readable): boolean {
  return (body as Readable & { _readableState?: { ended?: boolean } })._readableState?.ended === true;
}
