import { describe, expect, it } from 'vitest';
import { statusForDialect } from './client-status.js';

describe('statusForDialect', () => {
  it("gives OpenAI-dialect clients 503 for Anthropic's 529", () => {
    expect(statusForDialect(529, 'openai')).toBe(503);
  });

  it('keeps 529 for Anthropic clients, whose SDKs know it as overloaded', () => {
    expect(statusForDialect(529, 'anthropic')).toBe(529);
  });

  it('leaves every other status alone', () => {
    for (const status of [400, 429, 500, 502, 503, 504]) {
      expect(statusForDialect(status, 'openai')).toBe(status);
      expect(statusForDialect(status, 'anthropic')).toBe(status);
    }
  });
});
