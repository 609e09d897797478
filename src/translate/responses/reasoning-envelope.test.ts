import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.js';
import {
  envelopeForRedactedThinking,
  envelopeForThinking,
  isGatewayEnvelope,
  openEnvelope,
} from './reasoning-envelope.js';

describe('the reasoning envelope', () => {
  it('round-trips signed thinking, keeping text and signature byte for byte', () => {
    const text = 'Let me think… "quotes", newlines\nand emoji 🧠';
    const envelope = envelopeForThinking(text, 'EqQBCkgIARABGAIiQL+sig==');
    expect(envelope.startsWith('amg1:')).toBe(true);
    expect(envelope.slice(5)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(openEnvelope(envelope, 'input[0].encrypted_content')).toEqual({
      type: 'thinking',
      text,
      signature: 'EqQBCkgIARABGAIiQL+sig==',
    });
  });

  it('round-trips unsigned thinking without inventing a signature', () => {
    const part = openEnvelope(envelopeForThinking('plain', undefined), 'p');
    expect(part).toEqual({ type: 'thinking', text: 'plain' });
    expect('signature' in part).toBe(false);
  });

  it('round-trips redacted thinking', () => {
    expect(openEnvelope(envelopeForRedactedThinking('opaque-data'), 'p')).toEqual({
      type: 'redacted_thinking',
      data: 'opaque-data',
    });
  });

  it('tells its own envelopes apart from OpenAI encrypted content', () => {
    expect(isGatewayEnvelope(envelopeForThinking('x', 's'))).toBe(true);
    expect(isGatewayEnvelope('gAAAAABoOpenAIEncrypted')).toBe(false);
  });

  it('rejects a damaged envelope with a 400 naming the path', () => {
    for (const damaged of ['amg1:!!!', `amg1:${Buffer.from('{"t":1}').toString('base64url')}`, 'amg1:']) {
      let caught: unknown;
      try {
        openEnvelope(damaged, 'input[2].encrypted_content');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(GatewayError);
      expect((caught as GatewayError).status).toBe(400);
      expect((caught as GatewayError).param).toBe('input[2].encrypted_content');
    }
  });
});
