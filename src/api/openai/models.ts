import type { ClientOutput } from '../shared/client-output.js';
import type { EntryPointSpec } from '../shared/entry-point.js';

async function handle(out: ClientOutput): Promise<void> {
  const body = out.exchange.snapshot.modelListBody;
  out.head(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  out.end(body);
}

/** GET /v1/models: the configured model names, in OpenAI's list shape. */
export const listModels: EntryPointSpec = { entryPoint: 'models', dialect: 'openai', method: 'GET', handle };
