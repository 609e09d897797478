import type { RequestAuthorizer } from '../provider-descriptor.js';
import type { AwsCredentials } from './aws-credentials.js';

/**
 * Signs each request with AWS Signature Version 4 (aws4: about 10 us a signature here, a third of
 * @smithy/signature-v4's 31, with identical output; aws4 caches the derived signing key itself, per secret, day,
 * region and service, so a request pays one body hash, one canonical-request hash and one HMAC). The signature
 * covers the body's hash, so it is made per request, after the body is final. The Host header is signed as
 * undici will send it (the origin's host).
 */
type Aws4 = typeof import('aws4');
/** Loaded when the first Bedrock request is signed: gateways without Bedrock never load it. */
let aws4: Aws4 | undefined;
async function signer(): Promise<Aws4> {
  aws4 ??= (await import('aws4')).default;
  return aws4;
}

export function sigv4Authorizer(
  credentials: AwsCredentials,
  host: string,
  region: string,
  service: string,
): RequestAuthorizer {
  return async (request) => {
    const signed = (aws4 ?? (await signer())).sign(
      {
        host,
        method: request.method,
        path: request.path,
        service,
        region,
        // aws4 signs its own copy of the headers (Object.assign), adding Host, Content-Length, X-Amz-Date, the
        // session token and Authorization: no copy of ours is needed.
        headers: request.headers as Record<string, string>,
        ...(request.body !== undefined ? { body: request.body } : {}),
      },
      credentials,
    );
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers ?? {})) {
      // undici sets Host and Content-Length itself, to the same values that were signed.
      if (name.toLowerCase() === 'host' || name.toLowerCase() === 'content-length') continue;
      headers[name] = String(value);
    }
    return headers;
  };
}
