import type { ProviderConfig } from '../../config/schema.js';
import { GatewayError } from '../../errors/gateway-error.js';
import type { UpstreamDialect } from '../../providers/provider-descriptor.js';
import { providerDescriptor } from '../../providers/registry.js';
import { upstreamCodecFor } from '../../translate/codecs.js';
import type { ClientCodec, UpstreamBuildOptions } from '../../translate/contract.js';
import type { IrRequest } from '../../translate/ir/types.js';
import { HintReport, mergeDropped } from '../../translate/shared/hint-report.js';

/** What the upstream request of one translated target depends on; plain data, so it can go to a worker thread. */
export interface UpstreamTargetSpec {
  dialect: UpstreamDialect;
  model: string;
  options: Omit<UpstreamBuildOptions, 'hints' | 'toolNames'>;
  /** The provider's type and config, when its descriptor reshapes the dialect's body (Claude on Vertex). */
  reshape?: { type: ProviderConfig['type']; config: ProviderConfig } | undefined;
}

/** A translated request's upstream body as JSON text, and every hint the client's request loses on this target. */
export interface UpstreamRequestText {
  body: string;
  dropped: string[];
  /** The tool names rewritten for the upstream, upstream name -> client name. */
  toolNames: Record<string, string>;
}

/** A builder's rejection names the IR field; the client should read the name of the field it sent. */
function inClientTerms(error: unknown, client: ClientCodec, body: Readonly<Record<string, unknown>>): unknown {
  if (!(error instanceof GatewayError) || error.param === undefined) return error;
  const param = client.clientField(error.param, body);
  return new GatewayError(error.code, error.status, error.kind, error.message, { param, headers: error.headers });
}

/**
 * The upstream request for a client request already parsed into `ir`: built for the target's dialect, reshaped
 * for its provider type, and serialised. `clientDropped` holds the hints lost before building (the parse's and
 * those outside the body). The one step both the main thread and the large-body worker run, so their bytes agree.
 */
export function upstreamRequestText(
  client: ClientCodec,
  body: Readonly<Record<string, unknown>>,
  ir: IrRequest,
  clientDropped: readonly string[],
  strict: boolean,
  target: UpstreamTargetSpec,
): UpstreamRequestText {
  const hints = new HintReport(strict);
  const toolNames: Record<string, string> = {};
  let built: Record<string, unknown>;
  try {
    // Object.assign, not a spread with two more members: in Node 20's V8 each member a spread copy gains is
    // defined through the runtime (Runtime_DefineNamedOwnIC_Slow, ~5k instructions a request in the route's count).
    const options: UpstreamBuildOptions = Object.assign({ hints, toolNames }, target.options);
    built = upstreamCodecFor(target.dialect).buildRequest(ir, target.model, options);
  } catch (error) {
    throw inClientTerms(error, client, body);
  }
  const dropped = mergeDropped(
    clientDropped,
    hints.dropped.map((field) => client.clientField(field, body)),
  );
  if (target.reshape) {
    const reshape = providerDescriptor(target.reshape.type).upstreamBody;
    if (reshape) built = reshape(built, target.dialect, target.reshape.config);
  }
  return { body: JSON.stringify(built), dropped, toolNames };
}
