import aws4 from 'aws4';
import { describe, expect, it } from 'vitest';
import { amzDate, sigv4Authorizer } from './sigv4-authorizer.js';

const credentials = { accessKeyId: 'AKIATEST', secretAccessKey: 'test-secret-key', sessionToken: 'test-session' };
const request = {
  method: 'POST',
  path: '/model/anthropic.claude-v1%3A0/converse',
  headers: { 'content-type': 'application/json' },
  body: '{"messages":[]}',
};

describe('sigv4Authorizer', () => {
  it('signs as aws4 does when it adds the headers itself, and sends them in lower case', async () => {
    const now = Date.UTC(2026, 11, 5, 8, 51, 10, 253);
    const sent = await sigv4Authorizer(credentials, 'bedrock.test', 'us-east-1', 'bedrock', () => now)(request);
    const reference = aws4.sign(
      {
        host: 'bedrock.test',
        method: 'POST',
        path: request.path,
        service: 'bedrock',
        region: 'us-east-1',
        headers: { ...request.headers, 'X-Amz-Date': '20261205T085110Z' },
        body: request.body,
      },
      credentials,
    );
    expect(sent).toEqual({
      'content-type': 'application/json',
      'x-amz-date': '20261205T085110Z',
      'x-amz-security-token': 'test-session',
      authorization: reference.headers?.Authorization,
    });
  });

  it('makes the date once a second', () => {
    expect(amzDate(Date.UTC(2026, 0, 2, 3, 4, 5, 1))).toBe('20260102T030405Z');
    expect(amzDate(Date.UTC(2026, 0, 2, 3, 4, 5, 999))).toBe('20260102T030405Z');
    expect(amzDate(Date.UTC(2026, 0, 2, 3, 4, 6, 0))).toBe('20260102T030406Z');
  });
});
