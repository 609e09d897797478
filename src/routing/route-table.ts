import type { ModelConfig } from '../config/schema.js';
import type { UpstreamDialect } from '../providers/provider-descriptor.js';
import type { ProviderRuntime } from '../providers/provider-runtime.js';
import type { ErrorClass } from '../telemetry/request-record.js';

/** One provider + upstream model a client model can be served by. */
export interface RouteTarget {
  /** Stable identity across config revisions ("provider/model"), the key for routing state. */
  readonly id: string;
  readonly provider: ProviderRuntime;
  readonly model: string;
  readonly weight: number;
  /** The dialect this target's upstream model speaks (a provider type may serve several). */
  readonly dialect: UpstreamDialect;
}

/** A client-facing model name and how to serve it. */
export interface ModelRoute {
  readonly name: string;
  readonly strategy: ModelConfig['strategy'];
  readonly targets: readonly RouteTarget[];
  readonly fallbackOn: ReadonlySet<ErrorClass>;
}
