import { describe, expect, it } from 'vitest';
import { minimumEcho, SecretScrubber, scrubText } from './secret-scrubber.js';

const KEY = 'sk-Q7xv93LmPq0aZr51TkW8';

function scrubChunks(chunks: string[], secrets = [KEY]): string {
  const scrubber = new SecretScrubber(secrets);
  const out = chunks.map((chunk) => scrubber.push(Buffer.from(chunk)).toString());
  return out.join('') + (scrubber.end()?.toString() ?? '');
}

describe('SecretScrubber', () => {
  it('replaces the whole key and any start of it of 8 characters or more', () => {
    expect(scrubText(`Incorrect API key provided: ${KEY}.`, [KEY])).toBe('Incorrect API key provided: <redacted>.');
    expect(scrubText(`key ${KEY.slice(0, 8)}... is wrong`, [KEY])).toBe('key <redacted>... is wrong');
    expect(scrubText(`key ${KEY.slice(0, 7)}`, [KEY])).toBe(`key ${KEY.slice(0, 7)}`);
  });

  it('catches a key split across chunks at every possible place', () => {
    const text = `{"error":{"message":"bad key ${KEY} given"}}`;
    for (let cut = 1; cut < text.length; cut++) {
      expect(scrubChunks([text.slice(0, cut), text.slice(cut)])).toBe(
        '{"error":{"message":"bad key <redacted> given"}}',
      );
    }
  });

  it('catches a key cut off at the end of the body', () => {
    expect(scrubChunks(['message: ', KEY.slice(0, 10)])).toBe('message: <redacted>');
  });

  it('passes a chunk without any echo through as the same buffer', () => {
    const scrubber = new SecretScrubber([KEY]);
    const chunk = Buffer.from('data: {"choices":[{"delta":{"content":"hello"}}]}\n\n');
    expect(scrubber.push(chunk)).toBe(chunk);
  });

  it('leaves a public format prefix alone but redacts an echo that goes past it', () => {
    const key = 'sk-proj-Ab12Cd34Ef56Gh78';
    expect(minimumEcho(key)).toBe(12);
    expect(scrubText('project keys start with sk-proj-', [key])).toBe('project keys start with sk-proj-');
    expect(scrubText(`got sk-proj-Ab12...`, [key])).toBe('got <redacted>...');
  });
});
