import { errors } from '../../errors/codes.js';
import type { IrRequest } from '../ir/types.js';
import type { HintReport } from './hint-report.js';

/** The IR verbosity of a client's `verbosity` / `text.verbosity`: only what differs from the default `medium`. */
export function irVerbosity(value: 'low' | 'medium' | 'high' | undefined): IrRequest['verbosity'] {
  return value === 'low' || value === 'high' ? value : undefined;
}

/**
 * For an upstream (or model) with no verbosity setting: other providers answer at their own length, so the hint
 * is dropped and reported, and refused under strict translation.
 */
export function dropVerbosity(request: IrRequest, hints: HintReport | undefined): void {
  const verbosity = request.verbosity;
  if (verbosity === undefined || !hints) return;
  hints.dropUnlessStrict('verbosity', () =>
    errors.invalidBody(
      `verbosity '${verbosity}' is not available for this model: its provider has no equivalent; omit it or use 'medium'`,
      'verbosity',
    ),
  );
}
