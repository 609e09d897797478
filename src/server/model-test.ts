import type { ModelTestResult } from '../admin/diagnostics-routes.js';

export const TEST_CLIENT = 'admin-ui:test-now';

/**
 * Sends the smallest chat request for `model` to the gateway's own data plane with the process's internal
 * test-client token, so "test now" takes exactly the path a client request takes (and is recorded as one).
 */
export async function testModel(dataUrl: string, token: string, model: string): Promise<ModelTestResult> {
  const started = performance.now();
  const response = await fetch(`${dataUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: 'user', content: 'Reply with the word OK.' }] }),
    signal: AbortSignal.timeout(60_000),
  }).catch((error: unknown) => error as Error);
  const latency = Math.round((performance.now() - started) * 10) / 10;
  if (response instanceof Error) {
    const base = { model, status: 0, request_id: null, provider: null, upstream_model: null, route: null };
    return { ...base, latency_ms: latency, answer: null, error: response.message };
  }
  const body = (await response.json().catch(() => ({}))) as {
    choices?: Array<{ message?: { content?: string | null } }>;
    error?: { message?: string };
  };
  return {
    model,
    status: response.status,
    request_id: response.headers.get('x-request-id'),
    provider: response.headers.get('x-gateway-provider'),
    upstream_model: response.headers.get('x-gateway-model'),
    route: response.headers.get('x-gateway-route'),
    latency_ms: latency,
    answer: body.choices?.[0]?.message?.content?.slice(0, 500) ?? null,
    error: response.ok ? null : (body.error?.message ?? `HTTP ${response.status}`),
  };
}
