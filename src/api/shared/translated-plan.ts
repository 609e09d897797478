import { errors } from '../../errors/codes.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { azureMaxTokensField } from '../../providers/azure-openai.js';
import { knownMaxOutputTokens } from '../../providers/model-output-limits.js';
import type { ProviderRuntime } from '../../providers/provider-runtime.js';
import { describeError } from '../../routing/classify.js';
import type { RouteTarget } from '../../routing/route-table.js';
import { readUpstreamBody, type UpstreamReply } from '../../routing/upstream-reply.js';
import { log } from '../../server/log.js';
import { upstreamCodecFor } from '../../translate/codecs.js';
import type { ClientCodec, UpstreamBuildOptions, UpstreamCodec } from '../../translate/contract.js';
import { tokenUsageOf } from '../../translate/ir/token-usage.js';
import type { IrRequest } from '../../translate/ir/types.js';
import { HintReport, mergeDropped } from '../../translate/shared/hint-report.js';
import { restoredToolNames, restoringToolNames } from '../../translate/shared/tool-names.js';
import type { ClientOutput } from './client-output.js';
import { encodeContextFor } from './encode-context.js';
import { translateOffThread, translatesOffThread } from './large-body.js';
import type { ClientCodecName } from './large-body-protocol.js';
import { sendError } from './send-error.js';
import { translatedUpstreamError } from './translated-error.js';
import { relayTranslatedStream } from './translated-stream.js';
import type { UpstreamPlan } from './upstream-plan.js';
import { type UpstreamTargetSpec, upstreamRequestText } from './upstream-request.js';

/** How a client request's hints are treated, and which of them the entry point already knows are dropped. */
export interface TranslationOptions {
  /**
   * Strict translation refuses the hints it would otherwise map or drop (`translation: strict`); asked only when
   * the request is translated, so passthrough never pays for the lookup.
   */
  strict?: (() => boolean) | undefined;
  /** Hints outside the body that a translation drops (e.g. the `anthropic-beta` header). */
  dropped?: readonly string[] | undefined;
  /**
   * The client codec by name, so that a large body (from parseLargeBody) is translated on the worker thread;
   * absent, every body is translated here.
   */
  codecName?: ClientCodecName | undefined;
}

/** A client request that may need translating: its codec, its body, and its IR parsed at most once. */
export class TranslatableRequest {
  private parsed: IrRequest | GatewayError | undefined;
  private hints: HintReport | undefined;

  constructor(
    readonly client: ClientCodec,
    readonly body: Readonly<Record<string, unknown>>,
    private readonly options: TranslationOptions = {},
  ) {}

  private report(): HintReport {
    this.hints ??= new HintReport(this.options.strict?.() === true);
    return this.hints;
  }

  get strict(): boolean {
    return this.report().strict;
  }

  /** The IR, parsed on first use: a request served by passthrough never pays for it. */
  ir(): IrRequest {
    if (this.parsed === undefined) {
      try {
        this.parsed = this.client.parseRequest(this.body, this.report());
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        this.parsed = error;
      }
    }
    if (this.parsed instanceof GatewayError) throw this.parsed;
    return this.parsed;
  }

  /** The hints the client's request loses on any translated route (after ir()). */
  get dropped(): readonly string[] {
    return mergeDropped(this.options.dropped ?? [], this.report().dropped);
  }

  /** Whether the body is large and is translated on the worker thread (its bytes, parsed there). */
  get offThread(): boolean {
    return this.options.codecName !== undefined && translatesOffThread(this.body);
  }

  /**
   * Refuses now what any translated target would refuse (before routing), parsing a large body off the thread;
   * there, with `listStem`, also lists a Responses input as a stored turn keeps it (UTF-8 JSON, see StoredItemsJson).
   */
  async check(listStem?: string): Promise<ArrayBuffer | undefined> {
    if (!this.offThread) {
      this.ir();
      return undefined;
    }
    return (await this.translateOffThread(undefined, listStem)).listed;
  }

  /** The translation for `target` (or, without one, the parse and check alone) made on the worker thread. */
  translateOffThread(target: UpstreamTargetSpec | undefined, listStem?: string) {
    return translateOffThread(this.body, {
      client: this.options.codecName as ClientCodecName,
      strict: this.strict,
      dropped: [...(this.options.dropped ?? [])],
      target,
      listStem,
    });
  }
}

const UPSTREAM_BODY_LIMIT = 64 * 1024 * 1024;

/** OpenAI's own API refuses more stop sequences than this; compatible servers (vLLM, Ollama) take more. */
const OPENAI_MAX_STOP_SEQUENCES = 4;

/** The output limit toward a provider that requires one, for a model nothing else gives a figure for. */
const FALLBACK_MAX_TOKENS = 4096;

/** When the client sets no output limit: the model's configured or known maximum, else the provider default. */
function defaultMaxTokens(provider: ProviderRuntime, model: string): number {
  const config = provider.config;
  return (
    config.max_output_tokens?.[model] ?? config.default_max_tokens ?? knownMaxOutputTokens(model) ?? FALLBACK_MAX_TOKENS
  );
}

/**
 * OpenAI's API and Azure (from the api-version that has it) take `max_completion_tokens`, which their reasoning
 * models demand; other OpenAI-compatible servers know only `max_tokens`.
 */
function defaultMaxTokensField(provider: ProviderRuntime, isOpenAI: boolean): UpstreamBuildOptions['maxTokensField'] {
  if (isOpenAI) return 'max_completion_tokens';
  return provider.config.type === 'azure-openai' ? azureMaxTokensField(provider.config) : 'max_tokens';
}

export function buildOptionsFor(provider: ProviderRuntime, model = ''): UpstreamBuildOptions {
  const config = provider.config;
  const isOpenAI = provider.origin === 'https://api.openai.com';
  return {
    defaultMaxTokens: defaultMaxTokens(provider, model),
    maxTokensField: config.max_tokens_field ?? defaultMaxTokensField(provider, isOpenAI),
    streamUsage: config.stream_usage,
    sendReasoningContent: config.send_reasoning_content,
    maxStopSequences: isOpenAI ? OPENAI_MAX_STOP_SEQUENCES : undefined,
    verbosity: config.type === 'openai',
    toolCallIds: config.tool_call_ids ?? (provider.origin === 'https://api.mistral.ai' ? 'mistral' : 'any'),
    fileUrisNeedMediaType: config.type === 'vertex',
  };
}

async function readJson(reply: UpstreamReply): Promise<unknown> {
  const body = await readUpstreamBody(reply, UPSTREAM_BODY_LIMIT, false);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw errors.upstreamFailed('the upstream answered with a body that is not JSON', 502);
  }
}

async function relayTranslatedJson(
  reply: UpstreamReply,
  out: ClientOutput,
  request: TranslatableRequest,
  upstream: UpstreamCodec,
  upstreamModel: string,
  toolNames: Readonly<Record<string, string>>,
): Promise<void> {
  let body: Buffer;
  try {
    const response = restoredToolNames(upstream.decodeResponse(await readJson(reply), upstreamModel), toolNames);
    out.exchange.usage = tokenUsageOf(response.usage);
    const context = encodeContextFor(out.exchange, request.body);
    const client = request.client;
    // Encoded once: as a string it was measured for the content length and again for the record, then joined to
    // the head and encoded by the socket write.
    body = Buffer.from(
      client.encodeResponseText
        ? client.encodeResponseText(response, context)
        : JSON.stringify(client.encodeResponse(response, context)),
    );
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw errors.upstreamFailed(`the upstream's answer could not be translated: ${describeError(error)}`, 502);
  }
  out.head(reply.status, { 'content-type': 'application/json', 'content-length': body.length });
  out.end(body);
}

/**
 * What building a target's upstream request takes, as plain data (the worker thread gets it too). It depends on
 * the target alone (its provider's config and model), and a config change makes new targets: made once per target
 * rather than per request (an options object and the model's output-limit lookup).
 */
const specs = new WeakMap<RouteTarget, UpstreamTargetSpec>();

function targetSpec(target: RouteTarget): UpstreamTargetSpec {
  let spec = specs.get(target);
  if (spec === undefined) {
    spec = newTargetSpec(target);
    specs.set(target, spec);
  }
  return spec;
}

function newTargetSpec(target: RouteTarget): UpstreamTargetSpec {
  const provider = target.provider;
  return {
    dialect: target.dialect,
    model: target.model,
    options: buildOptionsFor(provider, target.model),
    reshape: provider.descriptor.upstreamBody ? { type: provider.config.type, config: provider.config } : undefined,
  };
}

/**
 * The plan for a target whose dialect differs from the client's: client IR -> upstream request, and the
 * upstream's answer, stream or error back in the client's dialect. A large body is translated on the worker
 * thread (the same code, so the same bytes), which is why the plan may come as a promise.
 */
export function translatedPlan(
  request: TranslatableRequest,
  target: RouteTarget,
): UpstreamPlan | Promise<UpstreamPlan> {
  const spec = targetSpec(target);
  if (request.offThread) return translatedPlanOffThread(request, target, spec);
  const ir = request.ir();
  const text = upstreamRequestText(request.client, request.body, ir, request.dropped, request.strict, spec);
  return planOf(request, target, text.body, ir.stream, text.dropped, text.toolNames);
}

async function translatedPlanOffThread(
  request: TranslatableRequest,
  target: RouteTarget,
  spec: UpstreamTargetSpec,
): Promise<UpstreamPlan> {
  const translated = await request.translateOffThread(spec);
  const body = Buffer.from(translated.upstream as ArrayBuffer);
  return planOf(request, target, body, translated.stream, translated.dropped, translated.toolNames ?? {});
}

function planOf(
  request: TranslatableRequest,
  target: RouteTarget,
  body: string | Buffer,
  stream: boolean,
  dropped: readonly string[],
  toolNames: Readonly<Record<string, string>>,
): UpstreamPlan {
  const provider = target.provider;
  const upstream = upstreamCodecFor(target.dialect);
  return {
    path: provider.chatPath(target.model, stream),
    body,
    readAhead: stream ? (provider.streamFraming === 'sse' ? 'first-event' : 'first-message') : 'whole',
    failedAnswer: upstream.failedAnswer,
    respond: stream
      ? (reply, out) => {
          reportDropped(out, dropped);
          return relayTranslatedStream(
            reply,
            out,
            restoringToolNames(upstream.streamDecoder(target.model), toolNames),
            request.client.streamEncoder(encodeContextFor(out.exchange, request.body)),
            provider.streamFraming,
          );
        }
      : (reply, out) => {
          reportDropped(out, dropped);
          return relayTranslatedJson(reply, out, request, upstream, target.model, toolNames);
        },
    respondError: async (reply, out) => {
      reportDropped(out, dropped);
      sendError(out, await translatedUpstreamError(reply, upstream));
    },
  };
}

/** The hints the upstream never saw: the response header, the telemetry record and a debug line say which. */
function reportDropped(out: ClientOutput, dropped: readonly string[]): void {
  if (dropped.length === 0) return;
  out.exchange.droppedFields = dropped;
  log.debug('translation dropped hints', { request_id: out.exchange.id, dropped });
}
