import aws4 from 'aws4';
import { describe, expect, it, vi } from 'vitest';
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

  it('keeps one aws4 signer per path, second and header set, every signature what a fresh aws4.sign makes', async () => {
    const reference = (body: string, date: string, headers: Record<string, string> = {}) =>
      aws4.sign(
        {
          host: 'bedrock.test',
          method: 'POST',
          path: request.path,
          service: 'bedrock',
          region: 'us-east-1',
          headers: { ...headers, 'X-Amz-Date': date },
          body,
          extraHeadersToIgnore: { 'content-type': true, 'content-length': true },
        } as Parameters<typeof aws4.sign>[0],
        credentials,
      ).headers?.Authorization;
    const original = aws4.RequestSigner;
    let made = 0;
    // Counts the signers the authorizer prepares; each is still aws4's own.
    aws4.RequestSigner = class Counted extends original {
      constructor(...args: ConstructorParameters<typeof original>) {
        super(...args);
        made++;
      }
    };
    try {
      let clock = NOW;
      const authorize = sigv4Authorizer(credentials, 'bedrock.test', 'us-east-1', 'bedrock', () => clock);
      const sign = async (body: string, headers: Readonly<Record<string, string>> = request.headers) =>
        await authorize({ ...request, headers, body });
      // Three bodies in one second: one signer, three signatures, each over its own body only.
      const bodies = ['{"messages":[1]}', '{"messages":[2]}', '{"messages":[3]}'];
      const sent: Record<string, string>[] = [];
      for (const body of bodies) sent.push(await sign(body));
      expect(made).toBe(1);
      bodies.forEach((body, i) => {
        const headers = sent[i] ?? {};
        expect(headers.authorization).toBe(reference(body, '20261205T085110Z'));
        expect(verifySigV4('POST', request.path, headers, body, [credentials], 'bedrock')).toBeUndefined();
        const other = bodies[(i + 1) % bodies.length] ?? '';
        expect(verifySigV4('POST', request.path, headers, other, [credentials], 'bedrock')?.exception).toBe(
          'InvalidSignatureException',
        );
      });
      // Each request gets its own header object: one request's Authorization is never another's.
      expect(sent[0]).not.toBe(sent[1]);
      // The next second signs with its own date.
      clock += 1000;
      expect((await sign('{"messages":[4]}')).authorization).toBe(reference('{"messages":[4]}', '20261205T085111Z'));
      expect(made).toBe(2);
      // Another header object (a traced request's traceparent) is signed with its own headers.
      const traced = { ...request.headers, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
      const tracedSent = await sign('{"messages":[5]}', traced);
      expect(tracedSent.authorization).toContain('SignedHeaders=host;traceparent;x-amz-date;x-amz-security-token,');
      expect(tracedSent.authorization).toBe(
        reference('{"messages":[5]}', '20261205T085111Z', { traceparent: traced.traceparent }),
      );
      expect(made).toBe(3);
    } finally {
      aws4.RequestSigner = original;
    }
  });

  it('has aws4 build the canonical request, string to sign and Authorization once per kept signer', async () => {
    const prototype = aws4.RequestSigner.prototype;
    const spies = {
      canonicalString: vi.spyOn(prototype, 'canonicalString'),
      stringToSign: vi.spyOn(prototype, 'stringToSign'),
      authHeader: vi.spyOn(prototype, 'authHeader'),
      signature: vi.spyOn(prototype, 'signature'),
    };
    try {
      const authorize = sigv4Authorizer(credentials, 'bedrock.test', 'us-east-1', 'bedrock', () => NOW);
      // The first request prepares the signer, which has aws4 make each part once.
      await authorize({ ...request, body: '{"messages":[0]}' });
      for (const spy of Object.values(spies)) spy.mockClear();
      const bodies = ['{"messages":[1]}', '{"messages":[2]}', '{"messages":[3]}'];
      for (const body of bodies) {
        const sent = await authorize({ ...request, body });
        expect(verifySigV4('POST', request.path, sent, body, [credentials], 'bedrock')).toBeUndefined();
      }
      // Later requests of that second add their own hashes to the kept heads; the HMAC stays aws4's, per request.
      expect(spies.canonicalString).not.toHaveBeenCalled();
      expect(spies.stringToSign).not.toHaveBeenCalled();
      expect(spies.authHeader).not.toHaveBeenCalled();
      expect(spies.signature).toHaveBeenCalledTimes(bodies.length);
    } finally {
      for (const spy of Object.values(spies)) spy.mockRestore();
    }
  });

  it('keeps no heads from an aws4 whose canonical request does not end with the payload hash', async () => {
    const prototype = aws4.RequestSigner.prototype;
    const canonicalString = prototype.canonicalString;
    const spy = vi.spyOn(prototype, 'canonicalString').mockImplementation(function (this: aws4.RequestSigner) {
      return `${canonicalString.call(this)}\n`;
    });
    try {
      const authorize = sigv4Authorizer(credentials, 'bedrock.test', 'us-east-1', 'bedrock', () => NOW);
      await authorize({ ...request, body: '{"messages":[1]}' });
      spy.mockClear();
      await authorize({ ...request, body: '{"messages":[2]}' });
      // aws4 builds the canonical request anew for the next signature of the same signer.
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('makes the date once a second', () => {
    expect(amzDate(Date.UTC(2026, 0, 2, 3, 4, 5, 1))).toBe('20260102T030405Z');
    expect(amzDate(Date.UTC(2026, 0, 2, 3, 4, 5, 999))).toBe('20260102T030405Z');
    expect(amzDate(Date.UTC(2026, 0, 2, 3, 4, 6, 0))).toBe('20260102T030406Z');
  });
});
