import { describe, expect, it } from 'vitest';
import { responsesClientField } from './client-field.js';

describe('naming IR fields as a Responses client knows them', () => {
  it.each([
    ['responseFormat', 'text.format'],
    ['responseFormat.schema', 'text.format.schema'],
    ['maxTokens', 'max_output_tokens'],
    ['topK', 'top_k'],
    ['stopSequences', 'stop'],
    ['toolChoice', 'tool_choice'],
    ['parallelToolCalls', 'parallel_tool_calls'],
    ['topP', 'top_p'],
    ['system', 'instructions'],
    ['tools[2].parameters', 'tools[2].parameters'],
    ['reasoning.budgetTokens', 'reasoning.effort'],
    ['reasoning.effort', 'reasoning.effort'],
    ['input[3].content[0]', 'input[3].content[0]'],
    ['messages[2].content[0]', 'input'],
  ])('names %s as %s', (irField, clientField) => {
    expect(responsesClientField(irField)).toBe(clientField);
  });
});
