import { describe, expect, it } from 'vitest';
import { withoutQuotedInput } from './quoted-input.js';

const LONG = 'the launch code is 0000 and the meeting is at the old mill at midnight, bring the map';

describe('withoutQuotedInput', () => {
  it("replaces AWS's quoted value of a validation error by its length, keeping the parameter path", () => {
    const message = `1 validation error detected: Value '${LONG}' at 'messages.1.member.content.1.member.text' failed to satisfy constraint: Member must have length less than or equal to 80`;
    expect(withoutQuotedInput(message)).toBe(
      `1 validation error detected: Value '<${LONG.length} characters>' at 'messages.1.member.content.1.member.text' failed to satisfy constraint: Member must have length less than or equal to 80`,
    );
  });

  it('replaces a long double-quoted span, escaped quotes included', () => {
    const quoted = `${LONG} \\"quoted\\" too`;
    expect(withoutQuotedInput(`Invalid input "${quoted}" here`)).toBe(
      `Invalid input "<${quoted.length} characters>" here`,
    );
  });

  it('keeps short quotes (names, parameter paths, values) and apostrophes in prose', () => {
    const message = `Unknown name "generation_config" at 'contents[0]': Cannot find field. The model's context isn't long enough, and that's ${LONG}`;
    expect(withoutQuotedInput(message)).toBe(message);
  });
});
