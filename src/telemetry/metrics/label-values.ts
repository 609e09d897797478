/** The label value of anything outside the configured set: client input never becomes a series of its own. */
export const OTHER = 'other';
/** The label value where a request never got that far (no model named, no provider chosen). */
export const NONE = 'none';

const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** `2xx` … `5xx` from an HTTP status; 0 (nothing sent) is `none`. A constant string: no allocation per request. */
export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? (STATUS_CLASSES[Math.floor(status / 100) - 1] ?? NONE) : NONE;
}

/** A name kept when the config knows it, else folded into `other`; null (absent) is `none`. */
export function boundedName(value: string | null, known: ReadonlySet<string>): string {
  if (value === null) return NONE;
  return known.has(value) ? value : OTHER;
}
