import type { HintReport } from '../shared/hint-report.js';
import type { BedrockFamily } from './model-fields.js';
import type { BedrockCachePoint } from './wire-types.js';

/**
 * Anthropic's `cache_control` mark ends a cached prefix at the block it is on; Converse says the same with a
 * `cachePoint` block placed after it (with the same TTLs, 5m and 1h). Claude takes cache points in the system
 * prompt, the messages and the tools; Nova in the system prompt and the messages. A mark where the model takes
 * none is dropped and reported as `cacheControl`.
 */
export class CachePoints {
  constructor(
    private readonly family: BedrockFamily,
    private readonly hints: HintReport | undefined,
  ) {}

  /** The cache point to place after a block marked `mark`, if any, in content (system or messages) or tools. */
  after(mark: { ttl?: string | undefined } | undefined, place: 'content' | 'tools'): BedrockCachePoint | undefined {
    if (!mark) return undefined;
    const takes = this.family === 'anthropic' || (this.family === 'nova' && place === 'content');
    if (!takes) {
      this.hints?.drop('cacheControl');
      return undefined;
    }
    const ttl = mark.ttl === '5m' || mark.ttl === '1h' ? mark.ttl : undefined;
    if (mark.ttl !== undefined && ttl === undefined) this.hints?.drop('cacheControl.ttl');
    return { cachePoint: ttl ? { type: 'default', ttl } : { type: 'default' } };
  }
}
