import { describe, expect, it } from 'vitest';
import type { PriceListRow } from '../../admin/price-list.js';
import { renderPrices } from './usage.js';

function unpriced(model: string): PriceListRow {
  return {
    provider: 'local',
    providerType: 'openai',
    model,
    servedAs: [model],
    price: null,
    source: null,
    tableModel: null,
    url: null,
    date: null,
    verified: null,
  };
}

describe('amg prices as text', () => {
  it('counts the models without a price in words that agree with the count and names the config section', () => {
    const one = renderPrices([unpriced('llama-local')]);
    expect(one).toContain('NO PRICE');
    expect(one).toContain(
      "1 model has no price: its requests are recorded without cost. Set one in the provider's `pricing` section.",
    );
    const two = renderPrices([unpriced('llama-local'), unpriced('qwen-local')]);
    expect(two).toContain('2 models have no price: their requests');
    expect(renderPrices([])).not.toContain('no price');
  });
});
