import type { ServerResponse } from 'node:http';
import { FakeOpenAI, type FakeOpenAIOptions, json } from './fake-openai.js';
import type { RecordedRequest } from './fake-server.js';
import { responseObject, streamResponse } from './responses-replies.js';

export interface FakeAzureOptions extends FakeOpenAIOptions {
  /** The Entra app this resource trusts: client credentials exchanged at /{tenant}/oauth2/v2.0/token. */
  entra?: { tenantId: string; clientId: string; clientSecret: string; expiresInS?: number };
}

/**
 * The encrypted_content of an input reasoning item that OpenAI's servers did not mint, or undefined. OpenAI and
 * Azure issue Fernet tokens (`gAAAA...`) bound to the organisation or resource; anything else is refused with
 * a 400 `invalid_encrypted_content`, as the real APIs do.
 */
function foreignEncryptedContent(body: { input?: unknown }): string | undefined {
  if (!Array.isArray(body.input)) return undefined;
  for (const item of body.input as Array<{ type?: unknown; encrypted_content?: unknown }>) {
    const content = item?.type === 'reasoning' ? item.encrypted_content : undefined;
    if (typeof content === 'string' && !content.startsWith('gAAAA')) return content;
  }
  return undefined;
}

const DEPLOYMENT_PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)\?(.*)$/;
const V1_PATH = /^\/openai\/v1\/(chat\/completions|embeddings|models|responses)(?:\?.*)?$/;
/** The Responses API: `/openai/responses` with a preview api-version on a resource, or the v1 surface's path. */
const RESPONSES_PATH = /^\/openai\/(?:v1\/)?responses(?:\?(.*))?$/;
/** The first api-version that serves /openai/responses. */
const FIRST_RESPONSES_VERSION = '2025-03-01-preview';

/** Azure's 401 for a wrong key or token, as the data plane words it. */
const ACCESS_DENIED = {
  error: {
    code: '401',
    message:
      'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  },
};

/**
 * A fake Azure OpenAI resource: deployment paths with a required `api-version`, the /openai/v1 surface,
 * `api-key` or an Entra bearer token (issued by its own token endpoint, so tests can count and expire
 * tokens), and Azure's error shapes, content-filter refusals included. Answers are OpenAI's wire format.
 */
export class FakeAzureOpenAI extends FakeOpenAI {
  readonly issuedTokens: string[] = [];
  /** Issued tokens Entra has since revoked (a disabled app, a rotated secret): refused with 401 before expiry. */
  readonly revokedTokens = new Set<string>();
  /** Refuse every token, fresh ones too (an app without a role assignment on the resource). */
  refuseEveryToken = false;
  /** Token requests that came while `holdTokens` was set, unanswered until it is cleared (a stalled Entra). */
  holdTokens = false;
  readonly heldTokenRequests: RecordedRequest[] = [];
  readonly apiVersions: string[] = [];
  private readonly entra: FakeAzureOptions['entra'];

  constructor(options: FakeAzureOptions = {}) {
    super({ name: 'fake-azure', ...options });
    this.entra = options.entra;
  }

  static override async start(options: FakeAzureOptions = {}): Promise<FakeAzureOpenAI> {
    const fake = new FakeAzureOpenAI(options);
    await fake.server.listen();
    return fake;
  }

  /** The resource endpoint (https://{resource}.openai.azure.com in production). */
  get endpoint(): string {
    return this.server.origin;
  }

  get tokenUrl(): string {
    return `${this.server.origin}/${this.entra?.tenantId ?? 'tenant'}/oauth2/v2.0/token`;
  }

  /** Chat requests to a deployment, by deployment name. */
  deploymentRequests(deployment: string) {
    return this.requests.filter((r) => r.path.startsWith(`/openai/deployments/${deployment}/chat/completions`));
  }

  /** Responses requests, as they arrived (the answer text comes from `responsesText`). */
  readonly responsesRequests: RecordedRequest[] = [];
  responsesText = 'Hello from Azure Responses.';

  protected override handleOther(request: RecordedRequest, res: ServerResponse): boolean {
    if (RESPONSES_PATH.test(request.path)) {
      this.responses(request, res);
      return true;
    }
    if (!request.path.endsWith('/oauth2/v2.0/token')) return false;
    if (this.holdTokens) {
      // Never answered: the caller gives up (its deadline, its client leaving) and closes the connection.
      this.heldTokenRequests.push(request);
      res.on('close', () => undefined);
      return true;
    }
    const form = new URLSearchParams(request.rawBody);
    const entra = this.entra;
    const valid =
      entra &&
      request.path === `/${entra.tenantId}/oauth2/v2.0/token` &&
      form.get('grant_type') === 'client_credentials' &&
      form.get('client_id') === entra.clientId &&
      form.get('client_secret') === entra.clientSecret &&
      form.get('scope') === 'https://cognitiveservices.azure.com/.default';
    if (!valid) {
      json(res, 401, {
        error: 'invalid_client',
        error_description:
          'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
      });
      return true;
    }
    const token = `eyJ0eXAiOiJKV1Qi.fake-entra-${this.issuedTokens.length + 1}.sig`;
    this.issuedTokens.push(token);
    const expiresIn = entra.expiresInS ?? 3599;
    json(res, 200, { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token });
    return true;
  }

  protected override authFailure(request: RecordedRequest): { status: number; body: unknown } | undefined {
    const bearer = request.headers.authorization?.replace(/^Bearer /, '');
    if (
      this.entra &&
      bearer &&
      this.issuedTokens.includes(bearer) &&
      !this.revokedTokens.has(bearer) &&
      !this.refuseEveryToken
    ) {
      return undefined;
    }
    if (!this.entra && request.headers['api-key'] === this.apiKey) return undefined;
    // The v1 surface also takes the key as a bearer token, so the plain OpenAI client works against it.
    if (!this.entra && V1_PATH.test(request.path) && bearer === this.apiKey) return undefined;
    return { status: 401, body: ACCESS_DENIED };
  }

  /**
   * Deployments of reasoning models (o1, o3, o4-mini, gpt-5, named here after their model) refuse `max_tokens`
   * in Azure's words, as OpenAI's own API does.
   */
  protected override refusesMaxTokens(deployment: string): boolean {
    return /^(o\d|gpt-5)/i.test(deployment);
  }

  protected override endpointOf(request: RecordedRequest): { path: string; model?: string } {
    const deployment = DEPLOYMENT_PATH.exec(request.path);
    if (deployment) {
      const version = new URLSearchParams(deployment[3]).get('api-version');
      if (!version) return { path: '/missing-api-version' };
      this.apiVersions.push(version);
      return { path: `/v1/${deployment[2]}`, model: decodeURIComponent(deployment[1] as string) };
    }
    const v1 = V1_PATH.exec(request.path);
    return v1 ? { path: `/v1/${v1[1]}` } : { path: request.path };
  }

  private responses(request: RecordedRequest, res: ServerResponse): void {
    const refused = this.authFailure(request);
    if (refused) {
      json(res, refused.status, refused.body);
      return;
    }
    const v1 = request.path.startsWith('/openai/v1/');
    const version = new URLSearchParams(RESPONSES_PATH.exec(request.path)?.[1] ?? '').get('api-version');
    if (!v1 && (!version || version < FIRST_RESPONSES_VERSION)) {
      json(res, 404, { error: { code: '404', message: 'Resource not found' } });
      return;
    }
    this.responsesRequests.push(request);
    const body = request.body as { model?: unknown; stream?: unknown; input?: unknown } | undefined;
    if (typeof body?.model !== 'string') {
      json(res, 400, {
        error: {
          message: "Missing required parameter: 'model'.",
          type: 'invalid_request_error',
          param: 'model',
          code: 'missing_required_parameter',
        },
      });
      return;
    }
    const unverifiable = foreignEncryptedContent(body);
    if (unverifiable !== undefined) {
      json(res, 400, {
        error: {
          message: `The encrypted content ${unverifiable.slice(0, 4)}...${unverifiable.slice(-4)} could not be verified.`,
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_encrypted_content',
        },
      });
      return;
    }
    const behaviour = this.queue.shift();
    if (behaviour?.kind === 'error') json(res, behaviour.status, behaviour.body ?? { error: { message: 'fake' } });
    else if (body.stream === true) {
      const stallAfter = behaviour?.kind === 'stall' ? behaviour.after : undefined;
      streamResponse(res, body.model, this.responsesText, 3, stallAfter);
    } else json(res, 200, responseObject(body.model, this.responsesText));
  }

  /** Azure's refusal of a prompt its content filter blocked (HTTP 400, code content_filter). */
  static contentFilterError() {
    return {
      kind: 'error' as const,
      status: 400,
      body: {
        error: {
          message:
            "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
          type: null,
          param: 'prompt',
          code: 'content_filter',
          status: 400,
          innererror: {
            code: 'ResponsibleAIPolicyViolation',
            content_filter_result: {
              hate: { filtered: true, severity: 'high' },
              jailbreak: { filtered: false, detected: false },
              self_harm: { filtered: false, severity: 'safe' },
              sexual: { filtered: false, severity: 'safe' },
              violence: { filtered: false, severity: 'safe' },
            },
          },
        },
      },
    };
  }
}
