import { REDACTED } from '../config/secrets/secret-fields.js';

const REDACTED_BYTES = Buffer.from(REDACTED);

/** The shortest echo of a secret that is redacted: 8 characters, and more for a key with a public format prefix. */
const MIN_ECHO = 8;
/** Characters past a public format prefix (`sk-proj-`, `sk-ant-api03-`) an echo must reach to count. */
const PAST_FORMAT_PREFIX = 4;

/**
 * How much of the start of `secret` an upstream must quote for it to be redacted. Any 8 characters, but a
 * key that begins with a format marker every key of its kind shares (`sk-proj-`, `sk-ant-api03-`) needs a
 * few characters past it, so a model's answer explaining what such keys look like is not garbled.
 */
export function minimumEcho(secret: string): number {
  const format = /^(?:[a-z]+[0-9]*-)+/.exec(secret)?.[0].length ?? 0;
  return Math.min(secret.length, Math.max(MIN_ECHO, format + PAST_FORMAT_PREFIX));
}

interface Needle {
  full: Buffer;
  /** The part of the secret an echo must contain, from its start. */
  head: Buffer;
}

function commonPrefix(buf: Buffer, at: number, full: Buffer): number {
  let length = 0;
  const limit = Math.min(full.length, buf.length - at);
  while (length < limit && buf[at + length] === full[length]) length++;
  return length;
}

/**
 * The needles of a provider's secrets, made once per list: a scrubber is made for every answer, and a provider
 * signing with AWS keys has three secrets (key id, secret key, session token).
 */
const needleCache = new WeakMap<readonly string[], readonly Needle[]>();

function needlesOf(secrets: readonly string[]): readonly Needle[] {
  let needles = needleCache.get(secrets);
  if (!needles) {
    needles = secrets.map((secret) => {
      const full = Buffer.from(secret);
      return { full, head: full.subarray(0, Buffer.byteLength(secret.slice(0, minimumEcho(secret)))) };
    });
    needleCache.set(secrets, needles);
  }
  return needles;
}

/**
 * Replaces every echo of a provider's secrets in upstream bytes as they arrive: the whole secret, or any
 * start of it at least `minimumEcho` long. Chunks without one pass through as the same Buffer. A chunk that
 * ends in what may be the start of an echo keeps those few bytes back until the next chunk shows whether it
 * is, so a secret split across network reads is still caught.
 */
export class SecretScrubber {
  private readonly needles: readonly Needle[];
  private held: Buffer | undefined;

  constructor(secrets: readonly string[]) {
    this.needles = needlesOf(secrets);
  }

  /** The bytes of `chunk` that are safe to pass on now (possibly none). */
  push(chunk: Buffer): Buffer {
    const held = this.held;
    this.held = undefined;
    return this.scrub(held ? Buffer.concat([held, chunk]) : chunk, true);
  }

  /** What was held back, scrubbed, once the body has ended. */
  end(): Buffer | undefined {
    const held = this.held;
    this.held = undefined;
    return held && this.scrub(held, false);
  }

  private scrub(buf: Buffer, mayHold: boolean): Buffer {
    let parts: Buffer[] | undefined;
    let from = 0;
    let end = buf.length;
    for (;;) {
      const match = this.nextEcho(buf, from);
      if (!match) break;
      if (mayHold && match.at + match.length === buf.length && match.length < match.full.length) {
        // The echo runs to the end of the chunk: it may go on in the next one.
        end = match.at;
        break;
      }
      parts ??= [];
      parts.push(buf.subarray(from, match.at), REDACTED_BYTES);
      from = match.at + match.length;
    }
    if (mayHold && end === buf.length) end = this.partialEchoAt(buf, from);
    if (end < buf.length) this.held = Buffer.from(buf.subarray(end));
    if (!parts) return from === 0 && end === buf.length ? buf : buf.subarray(from, end);
    parts.push(buf.subarray(from, end));
    return Buffer.concat(parts);
  }

  /** The earliest echo at or after `from`, the longest where several start at the same place. */
  private nextEcho(buf: Buffer, from: number): { at: number; length: number; full: Buffer } | undefined {
    let best: { at: number; length: number; full: Buffer } | undefined;
    for (const { full, head } of this.needles) {
      const at = buf.indexOf(head, from);
      if (at < 0 || (best && at > best.at)) continue;
      const length = commonPrefix(buf, at, full);
      if (!best || at < best.at || length > best.length) best = { at, length, full };
    }
    return best;
  }

  /** Where a tail of `buf` starts that could be the beginning of an echo (buf.length when none). */
  private partialEchoAt(buf: Buffer, from: number): number {
    let earliest = buf.length;
    for (const { head } of this.needles) {
      const first = head[0] as number;
      for (let at = buf.indexOf(first, Math.max(from, buf.length - head.length + 1)); at >= 0 && at < earliest; ) {
        if (commonPrefix(buf, at, head) === buf.length - at) {
          earliest = at;
          break;
        }
        at = buf.indexOf(first, at + 1);
      }
    }
    return earliest;
  }
}

/** `text` with every echo of the secrets (as the scrubber defines one) replaced by `<redacted>`. */
export function scrubText(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0) return text;
  const scrubber = new SecretScrubber(secrets);
  const bytes = Buffer.from(text);
  const out = scrubber.push(bytes);
  const rest = scrubber.end();
  if (out === bytes && !rest) return text;
  return rest ? Buffer.concat([out, rest]).toString() : out.toString();
}
