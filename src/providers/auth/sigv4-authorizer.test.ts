import aws4 from 'aws4';
import { describe, expect, it } from 'vitest';
import { verifySigV4 } from '../../../test/fakes/sigv4-verify.js';
import { amzDate, sigv4Authorizer } from './sigv4-authorizer.js';

const credentials = { accessKeyId: 'AKIATEST', secretAccessKey: 'test-secret-key', sessionToken: 'test-session' };
const request = {
  method: 'POST',
  path: '/model/anthropic.claude-v1%3A0/converse',
  headers: { 'content-type': 'application/json' },
  body: '{"messages":[]}',
};
const NOW = Date.UTC(2026, 11, 5, 8, 51, 10, 253);

describe('sigv4Authorizer', () => {
  it('sends Host, the date and the session token in lower case, signed, and leaves the content headers unsigned', async () => {
    const sent = await sigv4Authorizer(credentials, 'bedrock.test', 'us-east-1', 'bedrock', () => NOW)(request);
    expect(sent).toEqual({
      'content-type': 'application/json',
      host: 'bedrock.test',
      'x-amz-date': '20261205T085110Z',
      'x-amz-security-token': 'test-session',
      authorization: expect.stringMatching(
        /^AWS4-HMAC-SHA256 Credential=AKIATEST\/20261205\/us-east-1\/bedrock\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
      ),
    });
  });

  it('makes a signature an independent SigV4 verifier accepts, and one that a changed body or token fails', async () => {
    const sent = await sigv4Authorizer(credentials, 'bedrock.test', 'us-east-1', 'bedrock', () => NOW)(request);
    const verify = (headers: Record<string, string>, body: string) =>
      verifySigV4('POST', request.path, headers, body, [credentials], 'bedrock');
    expect(verify(sent, request.body)).toBeUndefined();
    expect(verify(sent, '{"messages":[1]}')?.exception).toBe('InvalidSignatureException');
    expect(verify({ ...sent, 'x-amz-date': '20261205T085111Z' }, request.body)?.exception).toBe(
      'InvalidSignatureException',
    );
    expect(verify({ ...sent, 'x-amz-security-token': 'other' }, request.body)?.exception).toBe(
      'UnrecognizedClientException',
    );
  });

  it('signs as aws4 does for the same headers', async () => {
    const sent = await sigv4Authorizer(credentials, 'bedrock.test', 'us-east-1', 'bedrock', () => NOW)(request);
    const reference = aws4.sign(
      {
        host: 'bedrock.test',
        method: 'POST',
        path: request.path,
        service: 'bedrock',
        region: 'us-east-1',
        headers: { 'X-Amz-Date': '20261205T085110Z' },
        body: request.body,
        // Content-Type and Content-Length, which aws4 adds itself, left unsigned as the authorizer does.
        extraHeadersToIgnore: { 'content-type': true, 'content-length': true },
      } as Parameters<typeof aws4.sign>[0],
      credentials,
    );
    expect(sent.authorization).toBe(reference.headers?.Authorization);
  });

  it('hashes the payload as bytes: a UTF-8 text body and a Buffer body sign as aws4 hashing them itself', async () => {
    const authorize = sigv4Authorizer(credentials, 'bedrock.test', 'us-east-1', 'bedrock', () => NOW);
    const text = '{"messages":[{"role":"user","content":[{"text":"Füchse 🦊 \\u00e9"}]}]}';
    for (const body of [text, Buffer.from(text)]) {
      const sent = await authorize({ ...request, body });
      // The hash handed to aws4 is what it signs from; it never goes on the wire.
      expect(sent).not.toHaveProperty('x-amz-content-sha256');
      expect(sent.authorization).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token,');
      const reference = aws4.sign(
        {
          host: 'bedrock.test',
          method: 'POST',
          path: request.path,
          service: 'bedrock',
          region: 'us-east-1',
          headers: { 'X-Amz-Date': '20261205T085110Z' },
          body,
          extraHeadersToIgnore: { 'content-type': true, 'content-length': true },
        } as Parameters<typeof aws4.sign>[0],
        credentials,
      );
      expect(sent.authorization).toBe(reference.headers?.Authorization);
      const verify = (payload: string) => verifySigV4('POST', request.path, sent, payload, [credentials], 'bedrock');
      expect(verify(text)).toBeUndefined();
      // One character changed in the non-ASCII text: a different payload hash, so the fake refuses it.
      expect(verify(text.replace('ü', 'u'))?.exception).toBe('InvalidSignatureException');
    }
  });

  it('signs in the same turn once aws4 is loaded, so the proxy has no promise to wait for', async () => {
    const authorize = sigv4Authorizer(credentials, 'bedrock.test', 'us-east-1', 'bedrock', () => NOW);
    // The first signature may wait for aws4 to load; every later one is the headers themselves.
    await authorize(request);
    const sent = authorize(request);
    expect(sent).not.toBeInstanceOf(Promise);
    expect((sent as Record<string, string>).authorization).toBe((await authorize(request)).authorization);
  });

  it('makes the date once a second', () => {
    expect(amzDate(Date.UTC(2026, 0, 2, 3, 4, 5, 1))).toBe('20260102T030405Z');
    expect(amzDate(Date.UTC(2026, 0, 2, 3, 4, 5, 999))).toBe('20260102T030405Z');
    expect(amzDate(Date.UTC(2026, 0, 2, 3, 4, 6, 0))).toBe('20260102T030406Z');
  });
});
