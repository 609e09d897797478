import type { ConfigProblem } from '../semantic-checks.js';

export type ChangeErrorKind = 'invalid' | 'conflict' | 'not_found' | 'bad_request';

const STATUS: Record<ChangeErrorKind, number> = { invalid: 422, conflict: 409, not_found: 404, bad_request: 400 };

/** A config workflow operation that cannot go ahead; `problems` name exact config paths when it is invalid. */
export class ChangeError extends Error {
  constructor(
    readonly kind: ChangeErrorKind,
    message: string,
    readonly problems: ConfigProblem[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ChangeError';
  }

  get status(): number {
    return STATUS[this.kind];
  }
}
