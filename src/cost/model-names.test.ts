import { describe, expect, it } from 'vitest';
import { priceNames } from './model-names.js';

describe('priceNames', () => {
  it('ends dated OpenAI and Anthropic snapshots at their base model', () => {
    expect(priceNames('gpt-4o-2024-08-06')).toContain('gpt-4o');
    expect(priceNames('claude-sonnet-4-5-20250929')).toContain('claude-sonnet-4-5');
    expect(priceNames('claude-3-5-haiku-20241022')).toContain('claude-3-5-haiku');
  });

  it('reads Bedrock model ids and inference profiles, and Vertex version tags', () => {
    expect(priceNames('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toContain('claude-sonnet-4-5');
    expect(priceNames('anthropic.claude-3-haiku-20240307-v1:0')).toContain('claude-3-haiku');
    expect(priceNames('claude-opus-4-1@20250805')).toContain('claude-opus-4-1');
  });

  it('tries the exact name first and never shortens into another model', () => {
    const names = priceNames('gpt-4o-mini-2024-07-18');
    expect(names[0]).toBe('gpt-4o-mini-2024-07-18');
    expect(names).toContain('gpt-4o-mini');
    expect(names).not.toContain('gpt-4o');
  });

  it('maps xAI and Mistral dated names to their base and -latest names', () => {
    expect(priceNames('grok-4-0709')).toContain('grok-4');
    expect(priceNames('mistral-small-2503')).toContain('mistral-small-latest');
    expect(priceNames('models/gemini-2.0-flash-001')).toContain('gemini-2.0-flash');
  });
});
