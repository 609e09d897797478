import type OpenAI from 'openai';

/**
 * Streams a chat completion of `model` and hangs up after `chunks` chunks, as a user pressing stop would;
 * resolves to the number of chunks read.
 */
export async function stopStreamAfter(client: OpenAI, model: string, chunks: number): Promise<number> {
  const abort = new AbortController();
  const stream = await client.chat.completions.create(
    { model, stream: true, messages: [{ role: 'user', content: 'hi' }] },
    { signal: abort.signal },
  );
  let read = 0;
  try {
    for await (const _ of stream) if (++read === chunks) abort.abort();
  } catch {
    // The SDK may end the iteration quietly or raise its abort error; either way the client left.
  }
  return read;
}
