import { describe, expect, it } from 'vitest';
import { ReferenceMask } from './reference-mask.js';

describe('ReferenceMask', () => {
  const env = { KEY: 'sk-secret-123456', LONGER: 'sk-secret-123456-and-more', PORT: '8080', EMPTY: '' };
  const mask = ReferenceMask.of([['KEY'], ['LONGER', 'PORT', 'EMPTY', 'UNSET']], env);

  it('replaces the values of referenced variables by their references, longest first', () => {
    expect(mask.text('"sk-secret-123456-and-more" is not a URL')).toBe('"${LONGER}" is not a URL');
    expect(mask.text('a sk-secret-123456 b sk-secret-123456')).toBe('a ${KEY} b ${KEY}');
  });

  it('leaves short values alone: they are no secret and would garble the text', () => {
    expect(mask.text('listen on 8080')).toBe('listen on 8080');
  });

  it('masks every string of a report', () => {
    expect(mask.deep({ rows: [{ model: 'sk-secret-123456', share: 1 }], note: null })).toEqual({
      rows: [{ model: '${KEY}', share: 1 }],
      note: null,
    });
  });

  it('masks the forms a URL parser or a host check turns a value into: case-folded, punycode, escaped', () => {
    const hosts = ReferenceMask.of([['HOST'], ['URL']], {
      HOST: 'Bücher-Secret.Example',
      URL: 'HTTPS://Api.Secret.Example',
    });
    expect(hosts.text('unsupported host bücher-secret.example')).toBe('unsupported host ${HOST}');
    expect(hosts.text('upstream on xn--bcher-secret-dlb.example')).toBe('upstream on ${HOST}');
    expect(hosts.text('origin https://api.secret.example/ refused')).toBe('origin ${URL} refused');
    expect(hosts.text('B%C3%BCcher-Secret.Example')).toBe('${HOST}');
  });
});
