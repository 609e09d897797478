import { parseDuration } from '../duration.js';
import type { GuardSettings } from '../revision.js';

export const GUARD_DEFAULTS = { minRequests: 20, margin: 0.1 } as const;
const MAX_WINDOW_MS = 86_400_000;

export class GuardSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuardSettingsError';
  }
}

/** The guard options of a publish request: `{ window: "5m", min_requests?: 20, margin?: 0.1 }`. */
export interface GuardRequest {
  window: string | number;
  min_requests?: number | undefined;
  margin?: number | undefined;
}

export function parseGuardRequest(input: GuardRequest): GuardSettings {
  const windowMs = typeof input.window === 'number' ? input.window : parseDuration(input.window);
  if (windowMs === undefined || !(windowMs >= 1_000) || windowMs > MAX_WINDOW_MS) {
    throw new GuardSettingsError('guard window must be a duration between 1s and 24h, e.g. 5m');
  }
  const minRequests = input.min_requests ?? GUARD_DEFAULTS.minRequests;
  if (!Number.isInteger(minRequests) || minRequests < 1) {
    throw new GuardSettingsError('guard min_requests must be a positive integer');
  }
  const margin = input.margin ?? GUARD_DEFAULTS.margin;
  if (!(margin > 0 && margin <= 1)) throw new GuardSettingsError('guard margin must be a fraction in (0, 1], e.g. 0.1');
  return { windowMs, minRequests, margin };
}
