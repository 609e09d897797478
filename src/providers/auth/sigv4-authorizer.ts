import { hash } from 'node:crypto';
import type { OutgoingRequest, RequestAuthorizer } from '../provider-descriptor.js';
import type { AwsCredentials } from './aws-credentials.js';
import type { ProfileCredentials } from './profile-credentials.js';

/**
 * Signs each request with AWS Signature Version 4 (aws4: about 10 us a signature here, a third of
 * @smithy/signature-v4's 31, with identical output; aws4 caches the derived signing key itself, per secret, day,
 * region and service, so a request pays one body hash, one canonical-request hash and one HMAC). The signature
 * covers the body's hash, so it is made per request, after the body is final.
 */
type Aws4 = typeof import('aws4');
/** aws4's request, with the option (aws4 1.12+) its type definitions do not list yet. */
type SigningRequest = import('aws4').Request & { extraHeadersToIgnore: Readonly<Record<string, boolean>> };
/** Loaded when the first Bedrock request is signed: gateways without Bedrock never load it. */
let aws4: Aws4 | undefined;
async function signer(): Promise<Aws4> {
  aws4 ??= (await import('aws4')).default;
  return aws4;
}

let dateSecond = -1;
let dateText = '';
/**
 * X-Amz-Date (`20261205T085110Z`), made once a second rather than by aws4 per request (a Date, toISOString and
 * a regex replace each time); aws4 takes a given x-amz-date as the time of the signature.
 */
export function amzDate(now: number): string {
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toISOString().replace(/[:-]|\.\d{3}/g, '');
  }
  return dateText;
}

/**
 * aws4 takes the payload hash from this header when it is there and hashes the body itself otherwise
 * (`createHash().update().digest()`, a Hash object per request). The authorizer hands it the hash made with
 * one-shot `crypto.hash` in the headers aws4 signs from, and lists the header as unsigned: the canonical request
 * and so the signature are exactly those aws4 makes from the body, and the header is never sent (Converse does
 * not ask for it, and the official SDK sends none).
 */
const PAYLOAD_HASH = 'x-amz-content-sha256';

/**
 * Sent but left out of the signature. SigV4 requires Host and every x-amz-* header to be signed and leaves the
 * rest to the signer; these two are fixed by the body (its length, and the JSON Converse always takes), so
 * signing them protects nothing TLS does not, and each signed header costs aws4 a lower-casing, a sort entry
 * and a canonical line per request (callgrind: ~18% of a signature with the copies dropped below).
 */
const UNSIGNED: Readonly<Record<string, boolean>> = {
  'content-type': true,
  'content-length': true,
  [PAYLOAD_HASH]: true,
};

/** Paths with a signer kept (a provider's models, stream and not, and its health probe); past this, all are dropped. */
const MAX_KEPT_SIGNERS = 256;

/**
 * An aws4 RequestSigner prepared for one path, header set, key and second, signing each request of that second
 * with only the payload hash changed.
 *
 * aws4 works out per signer what no request's body changes: it copies the headers, reads the host, parses the path
 * and adds its defaults (`prepareRequest`), and lower-cases, filters and sorts the signed headers once
 * (`filteredHeaders`); `authHeader()` then builds the canonical request, the string to sign and the signature
 * afresh, taking the payload hash from `x-amz-content-sha256` each time (of which only the heads are kept, see
 * keepConstantHeads). Within one second the bench's requests share all of the first part, which was a fifth of a
 * signature's instructions and a third of its garbage (bench/sigv4-work.mjs). aws4 is pinned (package.json) and the unit tests compare every kept signature with a
 * fresh `aws4.sign` of the same request, so a version that memoised more would fail them.
 */
interface KeptSigner {
  readonly signer: import('aws4').RequestSigner;
  /** What the signer was prepared from: the request's own header object, the keys and the x-amz-date. */
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly credentials: AwsCredentials;
  readonly date: string;
  /** The headers sent, bar the Authorization each request adds to its own copy. */
  readonly sent: Readonly<Record<string, string>>;
}

/**
 * Has a kept signer rebuild per signature only what the payload hash changes. aws4's `authHeader()` remakes the
 * whole canonical request (it splits, decodes and double-encodes the path, lower-cases and regex-trims each signed
 * header and joins six lines), the string to sign (the date, the credential scope and the canonical request's
 * hash, hashed with a `Hash` object) and the Authorization value (the scope and the signed-header list again) on
 * every call, though only the payload hash differs between two requests a kept signer signs. SigV4 ends each of
 * the three with the one part that changes: the canonical request with the payload's hash, the string to sign with
 * the canonical request's hash, the Authorization value with the signature. So each is made by aws4 once, when
 * the signer is prepared, and its head kept; a request's is that head and its own tail. aws4 still derives the
 * signing key (its cache) and makes the HMAC, its `signature()`, for every request. Should any of aws4's three
 * not end with the tail SigV4 puts there, nothing is kept and aws4 builds every part per request as before.
 */
function keepConstantHeads(signer: import('aws4').RequestSigner): void {
  const headers = signer.request.headers as Record<string, string>;
  headers[PAYLOAD_HASH] = EMPTY_PAYLOAD_HASH;
  const canonical = signer.canonicalString();
  const canonicalHead = headOf(canonical, EMPTY_PAYLOAD_HASH);
  const toSignHead = headOf(signer.stringToSign(), hash('sha256', canonical, 'hex'));
  const authorizationHead = headOf(signer.authHeader(), signer.signature());
  if (canonicalHead === undefined || toSignHead === undefined || authorizationHead === undefined) return;
  signer.canonicalString = () => canonicalHead + headers[PAYLOAD_HASH];
  signer.stringToSign = () => toSignHead + hash('sha256', signer.canonicalString(), 'hex');
  signer.authHeader = () => authorizationHead + signer.signature();
}

/** `whole` without `tail`, if it ends with it. */
function headOf(whole: string, tail: string): string | undefined {
  return whole.endsWith(tail) ? whole.slice(0, whole.length - tail.length) : undefined;
}

/** SHA-256 of no bytes: the payload hash a kept signer's canonical request is first built with, then cut off. */
const EMPTY_PAYLOAD_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * Every header aws4 would add but signs (Host, X-Amz-Date, X-Amz-Security-Token) is given to it already, in
 * lower case. aws4 lower-cases each header name it signs; a name it added itself (`X-Amz-Date`) comes out as a
 * new string that V8 then turns into a thin string, which its Array.join treats as two-byte: every join after it
 * (signed headers, canonical request, Authorization) came out two-byte, and undici then validated and wrote a
 * two-byte Authorization value on each request. Given lower-case names, toLowerCase returns them unchanged and
 * every string stays one-byte (callgrind: about a quarter fewer instructions per signature).
 *
 * The headers signed are the headers sent: Host goes in the object undici sends (it writes a given Host in
 * place of its own, the same origin host), and aws4 signs from its own copy of the same headers.
 */
export function sigv4Authorizer(
  keys: AwsCredentials | ProfileCredentials,
  host: string,
  region: string,
  service: string,
  now: () => number = Date.now,
): RequestAuthorizer {
  const profile = 'refused' in keys ? keys : undefined;
  const kept = new Map<string, KeptSigner>();
  // How far AWS's clock runs from this machine's, learnt from a refusal's Date (see clockSkewed).
  let offsetMs = 0;
  // Synchronous once aws4 is loaded and the keys are at hand (every request but the first, and but one waiting for
  // a profile's re-read): an async function would cost a promise and a turn of the microtask queue per request
  // for a signature that is ready at once.
  const authorize: RequestAuthorizer = (request) => {
    // Keys from a shared profile may be rotated under the gateway; fixed keys are the same on every request.
    const credentials = profile ? profile.credentials() : (keys as AwsCredentials);
    if (aws4 && !(credentials instanceof Promise)) return signed(aws4, credentials, request);
    return Promise.all([aws4 ?? signer(), credentials]).then(([library, ready]) => signed(library, ready, request));
  };
  /** The signer for this request: the one kept for its path if nothing but the body changed since, else a new one. */
  const signerFor = (library: Aws4, credentials: AwsCredentials, request: OutgoingRequest): KeptSigner => {
    const date = amzDate(now() + offsetMs);
    const last = kept.get(request.path);
    // The header object is compared by identity: a provider's shared headers are the same object on every request,
    // a traced request's (traceparent) a new one each time, which gets a new signer.
    if (
      last?.date === date &&
      last.headers === request.headers &&
      last.credentials === credentials &&
      last.method === request.method
    ) {
      return last;
    }
    const sent: Record<string, string> = Object.assign({}, request.headers);
    sent.host = host;
    sent['x-amz-date'] = date;
    if (credentials.sessionToken) sent['x-amz-security-token'] = credentials.sessionToken;
    // No body: aws4 then adds no Content-Type or Content-Length of its own (both would be unsigned anyway) and
    // signs the payload hash each request sets (below), never a body it hashes itself.
    const signing: SigningRequest = {
      host,
      method: request.method,
      path: request.path,
      service,
      region,
      headers: sent,
      extraHeadersToIgnore: UNSIGNED,
    };
    // aws4 copies the headers it is given: the payload hash goes in its copy, not in `sent`.
    const signer = new library.RequestSigner(signing, credentials);
    signer.prepareRequest();
    keepConstantHeads(signer);
    const fresh = { signer, method: request.method, headers: request.headers, credentials, date, sent };
    if (kept.size >= MAX_KEPT_SIGNERS) kept.clear();
    kept.set(request.path, fresh);
    return fresh;
  };
  const signed = (library: Aws4, credentials: AwsCredentials, request: OutgoingRequest): Record<string, string> => {
    const { signer, sent } = signerFor(library, credentials, request);
    (signer.request.headers as Record<string, string>)[PAYLOAD_HASH] = hash('sha256', request.body ?? '', 'hex');
    const headers: Record<string, string> = Object.assign({}, sent);
    headers.authorization = signer.authHeader();
    return headers;
  };
  authorize.refused = (headers, answerHeaders) => {
    const serverMs = clockSkewed(headers, answerHeaders);
    if (serverMs !== undefined) {
      offsetMs = serverMs - now();
      return true;
    }
    return profile ? profile.refused(headers) : false;
  };
  return authorize;
}

/** How far off AWS's time a signature may be (5 minutes), less the second AWS's `Date` header rounds away. */
const SKEW_REFUSED_MS = 5 * 60_000 - 1_000;

/**
 * AWS's time, from the `Date` of its refusal of a request signed with `headers`, when the signature's
 * X-Amz-Date was off it by more than AWS allows ("Signature expired" / "Signature not yet current"), as on a
 * machine whose clock has drifted: the AWS SDKs then set their clock offset by that Date and sign again, as
 * this signer does. Undefined for any other refusal.
 */
function clockSkewed(
  headers: Readonly<Record<string, string>>,
  answerHeaders: Readonly<Record<string, unknown>> | undefined,
): number | undefined {
  const date = answerHeaders?.date;
  const serverMs = typeof date === 'string' ? Date.parse(date) : Number.NaN;
  const signed = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(headers['x-amz-date'] ?? '');
  if (Number.isNaN(serverMs) || !signed) return undefined;
  const [, year, month, day, hour, minute, second] = signed.map(Number) as number[];
  const signedMs = Date.UTC(year as number, (month as number) - 1, day, hour, minute, second);
  return Math.abs(serverMs - signedMs) >= SKEW_REFUSED_MS ? serverMs : undefined;
}
