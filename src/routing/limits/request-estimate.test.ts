import { describe, expect, it } from 'vitest';
import { estimateTokens } from './request-estimate.js';

const bytesOf = (body: unknown) => Buffer.from(JSON.stringify(body));
const estimate = (body: Record<string, unknown>) => {
  const raw = bytesOf(body);
  return estimateTokens(raw.length, body, raw);
};
/** A base64 payload of `characters` characters, as a 3 MB PNG would send. */
const base64 = (characters: number) => 'iVBORw0KGgo'.padEnd(characters, 'A');

describe('estimateTokens', () => {
  it('reads a text prompt at about four bytes a token and the output from the dialect’s cap', () => {
    const body = { model: 'm', max_tokens: 300, messages: [{ role: 'user', content: 'x'.repeat(40_000) }] };
    const tokens = estimate(body);
    expect(tokens.output).toBe(300);
    expect(tokens.input).toBe(Math.ceil(bytesOf(body).length / 4));
  });

  it('counts an OpenAI data-URL image at most 5,000 tokens, not its 1M base64 characters', () => {
    const body = {
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${base64(4_000_000)}` } },
          ],
        },
      ],
    };
    const tokens = estimate(body);
    expect(tokens.input).toBeGreaterThanOrEqual(5_000);
    expect(tokens.input).toBeLessThan(5_100);
  });

  it('counts an Anthropic base64 image source and a Responses input_image the same way', () => {
    const anthropic = {
      model: 'm',
      max_tokens: 10,
      messages: [
        {
          role: 'user',
          content: [{ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: base64(2_000_000) } }],
        },
      ],
    };
    const responses = {
      model: 'm',
      input: [
        { role: 'user', content: [{ type: 'input_image', image_url: `data:image/webp;base64,${base64(800_000)}` }] },
      ],
    };
    expect(estimate(anthropic).input).toBeLessThan(5_100);
    expect(estimate(responses).input).toBeLessThan(5_100);
    // Two images reserve two caps.
    const two = { ...anthropic, messages: [anthropic.messages[0], anthropic.messages[0]] };
    expect(estimate(two).input).toBeGreaterThanOrEqual(10_000);
    expect(estimate(two).input).toBeLessThan(10_200);
  });

  it('keeps the byte count of base64 documents, whose cost grows with their pages', () => {
    const body = {
      model: 'm',
      max_tokens: 10,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: base64(400_000) } },
          ],
        },
      ],
    };
    expect(estimate(body).input).toBe(Math.ceil(bytesOf(body).length / 4));
  });

  it('leaves a small image as its bytes read: under the cap either way', () => {
    const body = {
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${base64(8_000)}` } }],
        },
      ],
    };
    expect(estimate(body).input).toBe(Math.ceil(bytesOf(body).length / 4));
  });
});
