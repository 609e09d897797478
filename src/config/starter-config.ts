/**
 * The commented config written on first start. It needs no provider key to start. `amg` is how to run the CLI
 * the way this start ran it (`npm run amg --` in a checkout, `npx amg`, `amg`), for the commands it suggests.
 */
export const starterConfig = (amg: string): string => `# AI Model Gateway configuration.
# Reference: docs/configuration.md. \${VAR} reads an environment variable, \${VAR:-default} gives a default.
# Validate changes with:  ${amg} config validate gateway.yaml
# Apply them without a restart:  kill -HUP <pid>

server:
  listen: 127.0.0.1:8080
  # admin_listen: 127.0.0.1:8081      # serve /admin/* only here, so applications see only the data plane
  # max_body_size: 10MiB

storage: sqlite:./data/gateway.db      # request telemetry, client keys, admin tokens

providers:
  # Keys come from the environment. A provider without a key is reported as not configured, and requests
  # routed to it get a 503 naming the variable to set.
  - name: openai
    type: openai                       # any OpenAI-compatible API (OpenAI, vLLM, Ollama, Groq, OpenRouter...)
    base_url: https://api.openai.com/v1
    api_key: \${OPENAI_API_KEY:-}
  - name: anthropic
    type: anthropic
    base_url: https://api.anthropic.com
    api_key: \${ANTHROPIC_API_KEY:-}
  # A local server needs allow_private_network (upstreams on loopback/private addresses are refused otherwise):
  # - name: local-vllm
  #   type: openai
  #   base_url: http://127.0.0.1:8000/v1
  #   api_key: \${VLLM_API_KEY:-none}
  #   allow_private_network: true

models:
  # The names clients send. Targets are tried in order: later targets are the fallback chain.
  - name: gpt-4o-mini
    targets:
      - { provider: openai, model: gpt-4o-mini }
  - name: claude-sonnet
    targets:
      - { provider: anthropic, model: claude-sonnet-4-5 }
  - name: text-embedding-3-small
    targets:
      - { provider: openai, model: text-embedding-3-small }

# Client tokens: create them with  ${amg} keys create --name my-app  (stored as hashes in the database),
# or declare them here:
clients: []
#  - name: ci
#    token: \${CI_GATEWAY_TOKEN}       # or token_sha256: <hex>
`;
