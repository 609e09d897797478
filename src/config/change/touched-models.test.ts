import { describe, expect, it } from 'vitest';
import { configSchema } from '../schema.js';
import { routingTable } from './routing-table.js';
import { touchedModels } from './touched-models.js';

const base = {
  providers: [
    { name: 'a', type: 'openai', base_url: 'https://a.example.com/v1' },
    { name: 'b', type: 'openai', base_url: 'https://b.example.com/v1' },
  ],
  models: [
    { name: 'on-a', targets: [{ provider: 'a', model: 'x' }] },
    { name: 'on-b', targets: [{ provider: 'b', model: 'y' }] },
  ],
};

describe('touchedModels', () => {
  const before = configSchema.parse(base);

  it('includes models whose provider changed, not the others', () => {
    const after = configSchema.parse({
      ...base,
      providers: [base.providers[0], { ...base.providers[1], base_url: 'https://b2.example.com/v1' }],
    });
    expect(touchedModels(before, after)).toEqual(['on-b']);
  });

  it('includes new models and every model when routing settings change', () => {
    const added = configSchema.parse({
      ...base,
      models: [...base.models, { name: 'new', targets: [{ provider: 'a', model: 'z' }] }],
    });
    expect(touchedModels(before, added)).toEqual(['new']);
    const slower = configSchema.parse({ ...base, routing: { retries: { max_attempts: 1 } } });
    expect(touchedModels(before, slower)).toEqual(['on-a', 'on-b']);
  });
});

describe('routingTable', () => {
  it('gives each target its expected share by strategy', () => {
    const config = configSchema.parse({
      ...base,
      models: [
        {
          name: 'fb',
          targets: [
            { provider: 'a', model: 'x' },
            { provider: 'b', model: 'y' },
          ],
        },
        {
          name: 'w',
          strategy: 'weighted',
          targets: [
            { provider: 'a', model: 'x', weight: 3 },
            { provider: 'b', model: 'y' },
          ],
        },
        {
          name: 'll',
          strategy: 'least-latency',
          targets: [
            { provider: 'a', model: 'x' },
            { provider: 'b', model: 'y' },
          ],
        },
      ],
    });
    const shares = routingTable(config).map((row) => [row.model, row.estimated, row.targets.map((t) => t.share)]);
    expect(shares).toEqual([
      ['fb', false, [1, 0]],
      ['w', false, [0.75, 0.25]],
      ['ll', true, [0.5, 0.5]],
    ]);
  });
});
