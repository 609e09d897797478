import { api } from '../api.js';

export interface Context {
  dataUrl: string;
  models: string[];
}

export async function loadContext(): Promise<Context> {
  const [diagnostics, status] = await Promise.all([
    api<{ listeners: { data: string } }>('/diagnostics'),
    api<{ models: Array<{ name: string }> }>('/status'),
  ]);
  return { dataUrl: diagnostics.listeners.data, models: status.models.map((m) => m.name) };
}

/** Setup snippets for the token just created, with this gateway's URL and a model it serves. */
export function snippets(token: string, context: Context): Array<[string, string]> {
  const url = context.dataUrl;
  const model = context.models[0] ?? 'MODEL';
  return [
    [
      'OpenAI SDK (TypeScript)',
      `import OpenAI from 'openai';\nconst client = new OpenAI({ apiKey: '${token}', baseURL: '${url}/v1' });\nconst reply = await client.chat.completions.create({\n  model: '${model}',\n  messages: [{ role: 'user', content: 'Hi' }],\n});`,
    ],
    [
      'Anthropic SDK (TypeScript)',
      `import Anthropic from '@anthropic-ai/sdk';\nconst client = new Anthropic({ apiKey: '${token}', baseURL: '${url}' });\nconst message = await client.messages.create({\n  model: '${model}',\n  max_tokens: 1024,\n  messages: [{ role: 'user', content: 'Hi' }],\n});`,
    ],
    [
      'curl',
      `curl ${url}/v1/chat/completions -H "Authorization: Bearer ${token}" \\\n  -H 'content-type: application/json' \\\n  -d '{"model":"${model}","messages":[{"role":"user","content":"Hi"}]}'`,
    ],
    [
      'Claude Code',
      `export ANTHROPIC_BASE_URL=${url}\nexport ANTHROPIC_AUTH_TOKEN=${token}\nexport ANTHROPIC_MODEL=${model}\nclaude`,
    ],
    [
      'Codex',
      `# ~/.codex/config.toml\nmodel = "${model}"\nmodel_provider = "gateway"\n\n[model_providers.gateway]\nname = "AI Model Gateway"\nbase_url = "${url}/v1"\nenv_key = "GATEWAY_TOKEN"\nwire_api = "responses"\n\n# then: export GATEWAY_TOKEN=${token}`,
    ],
  ];
}
