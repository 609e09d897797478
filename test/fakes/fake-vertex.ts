import { generateKeyPairSync } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { importSPKI, jwtVerify } from 'jose';
import { request as send } from 'undici';
import { FakeAnthropic } from './fake-anthropic.js';
import { FakeGemini } from './fake-gemini.js';
import { json } from './fake-openai.js';
import { FakeServer, type RecordedRequest } from './fake-server.js';

const PATH =
  /^\/v1(?:beta1)?\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/(google|anthropic)\/models\/([^/:]+):([A-Za-z]+)(\?.*)?$/;

/** A published model id as Vertex names it: letters, digits, '.', '-', '_', and an optional '@version'. */
const PUBLISHED_MODEL_ID = /^[A-Za-z0-9._-]+(?:@[A-Za-z0-9._-]+)?$/;

/**
 * Vertex requires `fileData.mimeType` (the Gemini API infers it): the path of the first part without one, as
 * Vertex names it (`contents[0].parts[1]`), or undefined.
 */
function fileDataWithoutMimeType(body: unknown): string | undefined {
  const contents = (body as { contents?: Array<{ parts?: Array<{ fileData?: { mimeType?: string } }> }> })?.contents;
  for (const [c, content] of (contents ?? []).entries()) {
    for (const [p, part] of (content.parts ?? []).entries()) {
      if (part.fileData && !part.fileData.mimeType) return `contents[${c}].parts[${p}]`;
    }
  }
  return undefined;
}

/**
 * A fake Vertex AI: a Google token endpoint that verifies a service account's RS256 assertion (jose, against
 * the account's public key) and issues access tokens; Gemini models under publishers/google and Claude models
 * under publishers/anthropic (rawPredict / streamRawPredict, `anthropic_version` in the body and no `model`).
 * After its own checks it serves each request from a Gemini or Anthropic fake, whose wire formats Vertex uses.
 */
export class FakeVertex {
  readonly server: FakeServer;
  readonly gemini: FakeGemini;
  readonly anthropic: FakeAnthropic;
  readonly issuedTokens: string[] = [];
  /** Issued tokens since revoked (a disabled service account key): refused with 401 before they expire. */
  readonly revokedTokens = new Set<string>();
  /**
   * Errors Vertex's own front answers before a model is reached (quota, permission, not found), in Google's
   * shape whichever publisher the model has; the next chat request gets the first.
   */
  readonly platformErrors: Array<{ status: number; message: string; googleStatus: string }> = [];
  readonly project = 'fake-project';
  readonly location = 'us-east5';
  readonly serviceAccount: { client_email: string; private_key: string; private_key_id: string; token_uri: string };
  private readonly publicKey: string;

  private constructor(gemini: FakeGemini, anthropic: FakeAnthropic) {
    this.gemini = gemini;
    this.anthropic = anthropic;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.publicKey = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.server = new FakeServer((request, res) => this.handle(request, res));
    this.serviceAccount = {
      client_email: 'gateway@fake-project.iam.gserviceaccount.com',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      private_key_id: 'fake-key-1',
      token_uri: '',
    };
  }

  static async start(): Promise<FakeVertex> {
    const fake = new FakeVertex(await FakeGemini.start(), await FakeAnthropic.start({ name: 'fake-vertex-claude' }));
    await fake.server.listen();
    fake.serviceAccount.token_uri = `${fake.server.origin}/token`;
    return fake;
  }

  get endpoint(): string {
    return this.server.origin;
  }

  /**
   * A provider entry for this fake as a user writes one (its endpoint, project, location and service account);
   * `vertex` adds to or overrides the entry's `vertex` settings.
   */
  providerEntry(name: string, vertex: Record<string, unknown> = {}) {
    return {
      name,
      type: 'vertex',
      base_url: this.endpoint,
      allow_private_network: true,
      vertex: {
        project: this.project,
        location: this.location,
        service_account_json: JSON.stringify({ type: 'service_account', ...this.serviceAccount }),
        ...vertex,
      },
    };
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  chatRequests(publisher: 'google' | 'anthropic'): RecordedRequest[] {
    return this.requests.filter((r) => PATH.exec(r.path)?.[3] === publisher);
  }

  async close(): Promise<void> {
    await this.server.close();
    await this.gemini.close();
    await this.anthropic.close();
  }

  private async handle(request: RecordedRequest, res: ServerResponse): Promise<void> {
    if (request.path === '/token') return this.token(request, res);
    const bearer = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!this.issuedTokens.includes(bearer) || this.revokedTokens.has(bearer)) {
      return json(res, 401, {
        error: {
          code: 401,
          message: 'Request had invalid authentication credentials. Expected OAuth 2 access token.',
          status: 'UNAUTHENTICATED',
        },
      });
    }
    const match = PATH.exec(request.path);
    if (!match || match[1] !== this.project || match[2] !== this.location) {
      return json(res, 404, { error: { code: 404, message: 'Not found', status: 'NOT_FOUND' } });
    }
    const [, , , publisher, model = '', method = '', query = ''] = match;
    if (!PUBLISHED_MODEL_ID.test(model)) {
      // Vertex looks the segment up as written: Anthropic's Vertex SDK and Google's docs send the version's '@'
      // literally, and an escaped one ('%40') names no published model.
      return json(res, 404, {
        error: {
          code: 404,
          message: `Publisher Model \`projects/${this.project}/locations/${this.location}/publishers/${publisher}/models/${model}\` was not found or your project does not have access to it.`,
          status: 'NOT_FOUND',
        },
      });
    }
    const platformError = this.platformErrors.shift();
    if (platformError) {
      const { status, googleStatus } = platformError;
      // `{token}` in a message stands for the access token the request carried (an error that quotes it).
      const message = platformError.message.replaceAll('{token}', bearer);
      return json(res, status, { error: { code: status, message, status: googleStatus } });
    }
    if (publisher === 'google' && method === 'predict') return this.predict(request, res);
    if (publisher === 'anthropic' && model === 'count-tokens' && method === 'rawPredict') {
      return this.countTokens(request, res);
    }
    if (publisher === 'google') {
      const untyped = fileDataWithoutMimeType(request.body);
      if (untyped) {
        return json(res, 400, {
          error: {
            code: 400,
            message: `* GenerateContentRequest.${untyped}.file_data.mime_type: mime_type is required`,
            status: 'INVALID_ARGUMENT',
          },
        });
      }
      return this.forward(res, `${this.gemini.baseUrl}/models/${model}:${method}${query}`, request.rawBody, {
        'x-goog-api-key': this.gemini.apiKey,
      });
    }
    const body = request.body as Record<string, unknown>;
    if (body.anthropic_version !== 'vertex-2023-10-16' || 'model' in body) {
      return json(res, 400, {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: 'anthropic_version: vertex-2023-10-16 is required; model: Extra inputs are not permitted',
        },
      });
    }
    if ((method === 'streamRawPredict') !== (body.stream === true)) {
      return json(res, 400, {
        error: { code: 400, message: 'stream must match the method', status: 'INVALID_ARGUMENT' },
      });
    }
    const { anthropic_version: _, ...rest } = body;
    return this.forward(res, `${this.anthropic.baseUrl}/v1/messages`, JSON.stringify({ model, ...rest }), {
      'x-api-key': this.anthropic.apiKey,
      'anthropic-version': '2023-06-01',
    });
  }

  /** Text-embedding `:predict`: one prediction per instance, its values derived from the text, with token counts. */
  private predict(request: RecordedRequest, res: ServerResponse): void {
    const body = request.body as {
      instances?: Array<{ content?: unknown }>;
      parameters?: { outputDimensionality?: number };
    };
    if (!Array.isArray(body?.instances) || body.instances.some((i) => typeof i?.content !== 'string')) {
      json(res, 400, {
        error: { code: 400, message: 'instances[].content is required', status: 'INVALID_ARGUMENT' },
      });
      return;
    }
    const size = body.parameters?.outputDimensionality ?? 4;
    const predictions = body.instances.map(({ content }) => {
      const text = content as string;
      return {
        embeddings: {
          values: Array.from({ length: size }, (_, i) => (text.length + i) / 100),
          statistics: { token_count: text.split(/\s+/).filter(Boolean).length, truncated: false },
        },
      };
    });
    json(res, 200, { predictions, metadata: { billableCharacterCount: 0 } });
  }

  /** Claude's count-tokens on Vertex: Anthropic's count_tokens, the model in the body (no anthropic_version). */
  private async countTokens(request: RecordedRequest, res: ServerResponse): Promise<void> {
    const body = request.body as Record<string, unknown>;
    if (typeof body?.model !== 'string') {
      return json(res, 400, {
        type: 'error',
        error: { type: 'invalid_request_error', message: 'model: Field required' },
      });
    }
    return this.forward(res, `${this.anthropic.baseUrl}/v1/messages/count_tokens`, request.rawBody, {
      'x-api-key': this.anthropic.apiKey,
      'anthropic-version': '2023-06-01',
    });
  }

  private async forward(
    res: ServerResponse,
    url: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<void> {
    const answer = await send(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
    res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/json') });
    for await (const chunk of answer.body) res.write(chunk);
    res.end();
  }

  private async token(request: RecordedRequest, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(request.rawBody);
    try {
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') throw new Error('grant_type');
      const { payload, protectedHeader } = await jwtVerify(
        form.get('assertion') ?? '',
        await importSPKI(this.publicKey, 'RS256'),
        { issuer: this.serviceAccount.client_email, audience: this.serviceAccount.token_uri },
      );
      if (payload.scope !== 'https://www.googleapis.com/auth/cloud-platform' || protectedHeader.kid !== 'fake-key-1') {
        throw new Error('scope');
      }
    } catch {
      return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    }
    const token = `ya29.fake-vertex-${this.issuedTokens.length + 1}`;
    this.issuedTokens.push(token);
    return json(res, 200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
  }
}
