import type Anthropic from '@anthropic-ai/sdk';

/**
 * A one-message Anthropic stream read to its end: the event types the SDK delivered, and the error it threw
 * (undefined when the stream ended cleanly), so a test can assert both what arrived before a break and the break.
 */
export async function anthropicStreamEvents(
  client: Anthropic,
  model: string,
): Promise<{ events: string[]; error: (Error & { status?: number; error?: unknown }) | undefined }> {
  const events: string[] = [];
  try {
    const stream = await client.messages.create({
      model,
      max_tokens: 50,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    for await (const event of stream) events.push(event.type);
    return { events, error: undefined };
  } catch (error) {
    return { events, error: error as Error & { status?: number; error?: unknown } };
  }
}
