import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeAzureOpenAI } from '../fakes/fake-azure-openai.js';
import { FakeBedrock } from '../fakes/fake-bedrock.js';
import { FakeGemini } from '../fakes/fake-gemini.js';
import type { RecordedRequest } from '../fakes/fake-server.js';
import { FakeVertex } from '../fakes/fake-vertex.js';
import { fakeProvider, GatewayHarness } from '../support/gateway-harness.js';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';

const CLIENT = 3;
const CALLER_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN_ID = 'b7ad6b7169203331';
const BEDROCK_KEYS = {
  accessKeyId: 'AKIATRACEDBEDROCK001',
  secretAccessKey: 'traced-bedrock-secret-key-0123456789',
  sessionToken: 'traced-session-token',
};

/**
 * W3C trace context on requests to the cloud provider types, whose requests are signed (Bedrock: SigV4) or carry
 * a fetched token (Vertex) or a key header (Azure, Gemini). A traced upstream continues the trace only if the
 * header arrives; for Bedrock it must also be in the request before it is signed, since aws4 signs every header it
 * is given: a traceparent changed or added to a signed header set after signing fails AWS's check, which the fake
 * makes from the SignedHeaders list exactly as AWS does.
 */
describe('trace context on requests to cloud providers', () => {
  let azure: FakeAzureOpenAI;
  let gemini: FakeGemini;
  let vertex: FakeVertex;
  let bedrock: FakeBedrock;
  let receiver: OtlpReceiver;
  let harness: GatewayHarness;
  let dir: string;

  beforeAll(async () => {
    azure = await FakeAzureOpenAI.start({ apiKey: 'azure-traced-key-0123' });
    gemini = await FakeGemini.start();
    vertex = await FakeVertex.start();
    bedrock = await FakeBedrock.start({ keys: [BEDROCK_KEYS] });
    receiver = await OtlpReceiver.start();
    dir = await mkdtemp(join(tmpdir(), 'amg-cloud-trace-'));
    const keyFile = join(dir, 'service-account.json');
    await writeFile(keyFile, JSON.stringify({ type: 'service_account', ...vertex.serviceAccount }));
    harness = await GatewayHarness.start({
      env: { GOOGLE_APPLICATION_CREDENTIALS: keyFile },
      config: {
        providers: [
          fakeProvider('az', azure.endpoint, azure.apiKey, 'azure-openai'),
          fakeProvider('gem', gemini.baseUrl, gemini.apiKey, 'gemini'),
          {
            name: 'vx',
            type: 'vertex',
            base_url: vertex.endpoint,
            allow_private_network: true,
            vertex: { project: vertex.project, location: vertex.location },
          },
          {
            name: 'bed',
            type: 'bedrock',
            base_url: bedrock.endpoint,
            allow_private_network: true,
            aws: {
              region: 'us-east-1',
              access_key_id: BEDROCK_KEYS.accessKeyId,
              secret_access_key: BEDROCK_KEYS.secretAccessKey,
              session_token: BEDROCK_KEYS.sessionToken,
            },
          },
        ],
        models: [
          { name: 'on-azure', targets: [{ provider: 'az', model: 'gpt4o-deployment' }] },
          { name: 'on-gemini', targets: [{ provider: 'gem', model: 'gemini-2.5-flash' }] },
          { name: 'on-vertex', targets: [{ provider: 'vx', model: 'gemini-2.5-pro' }] },
          { name: 'on-bedrock', targets: [{ provider: 'bed', model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' }] },
        ],
        // A throttled Bedrock attempt is retried on the same target: each attempt is signed with its own span.
        routing: { retries: { max_attempts: 2, backoff_ms: 1 }, cooldown: { failures: 1000 } },
        telemetry: { otlp: { endpoint: receiver.url, sample_ratio: 1, protocol: 'http/json' } },
      },
    });
  });
  afterAll(async () => {
    await harness.close();
    await receiver.close();
    await Promise.all([azure.close(), gemini.close(), vertex.close(), bedrock.close()]);
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    receiver.spans.length = 0;
    for (const fake of [azure.server, gemini.server, vertex.server, bedrock.server]) fake.requests.length = 0;
  });

  /** The client spans of the caller's trace, in attempt order, once the receiver holds `count` of them. */
  async function attemptSpans(count: number): Promise<ReceivedSpan[]> {
    await expect
      .poll(
        async () => {
          await harness.gateway.observability.flushTraces();
          return receiver.spans.filter((span) => span.kind === CLIENT).length;
        },
        { timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(count);
    return receiver.spans
      .filter((span) => span.kind === CLIENT && span.traceId === CALLER_TRACE_ID)
      .sort((a, b) => Number(a.attributes['amg.attempt']) - Number(b.attributes['amg.attempt']));
  }

  async function chat(model: string): Promise<void> {
    const completion = await harness
      .openai()
      .chat.completions.create(
        { model, messages: [{ role: 'user', content: 'Hi' }] },
        { headers: { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01` } },
      );
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  }

  it.each([
    { model: 'on-azure', requests: () => azure.server.requests },
    { model: 'on-gemini', requests: () => gemini.chatRequests() },
    { model: 'on-vertex', requests: () => vertex.chatRequests('google') },
  ])('sends $model its attempt span as the parent in traceparent', async ({ model, requests }) => {
    await chat(model);
    const [attempt] = await attemptSpans(1);
    const sent = requests() as RecordedRequest[];
    expect(sent).toHaveLength(1);
    expect(sent[0]?.headers.traceparent).toBe(`00-${CALLER_TRACE_ID}-${attempt?.spanId}-01`);
  });

  it('signs each Bedrock attempt with its own traceparent, which AWS’s check accepts', async () => {
    bedrock.enqueue({
      kind: 'error',
      status: 429,
      exception: 'ThrottlingException',
      message: 'Too many requests, please wait before trying again.',
    });
    await chat('on-bedrock');
    const attempts = await attemptSpans(2);
    expect(attempts.map((span) => span.attributes['error.type'] ?? 'ok')).toEqual(['rate_limit', 'ok']);
    const sent = bedrock.chatRequests();
    expect(sent).toHaveLength(2);
    for (const [index, request] of sent.entries()) {
      expect(request.headers.traceparent).toBe(`00-${CALLER_TRACE_ID}-${attempts[index]?.spanId}-01`);
      // Signed, so the value AWS sees is the one the signature covers (the fake refused neither request).
      const signed = /SignedHeaders=([^,]+)/.exec(String(request.headers.authorization))?.[1]?.split(';');
      expect(signed).toContain('traceparent');
    }
    expect(sent[0]?.headers.authorization).not.toBe(sent[1]?.headers.authorization);
  });
});
