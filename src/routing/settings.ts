import type { RoutingConfig } from '../config/schema.js';
import type { BreakerSettings } from './circuit-breaker.js';
import type { RetrySettings } from './retry-policy.js';

export function breakerSettings(config: RoutingConfig): BreakerSettings {
  return {
    failures: config.cooldown.failures,
    windowMs: config.cooldown.window_s * 1000,
    cooldownMs: config.cooldown.cooldown_s * 1000,
  };
}

export function retrySettings(config: RoutingConfig): RetrySettings {
  return {
    maxAttempts: config.retries.max_attempts,
    backoffMs: config.retries.backoff_ms,
    maxBackoffMs: config.retries.max_backoff_ms,
    respectRetryAfter: config.retries.respect_retry_after,
  };
}
