import { describe, expect, it } from 'vitest';
import { DocumentNames } from './document-names.js';

/** Converse's rule for a document name: 1-200 letters, digits, single spaces, hyphens, parentheses, brackets. */
const VALID = /^(?:[A-Za-z0-9()[\]-]| (?! ))+$/;

describe('DocumentNames', () => {
  it('cleans a file name to the characters Converse takes, and names untitled documents apart', () => {
    const names = new DocumentNames();
    expect(names.name('Q3 report_final.v2.pdf')).toBe('Q3 report final v2 pdf');
    expect(names.name(undefined)).toBe('document');
    expect(names.name('')).toBe('document (2)');
    expect(names.name('DOCUMENT')).toBe('DOCUMENT (3)');
  });

  it('caps a long title at 200 characters, and keeps its numbered copies within it and apart', () => {
    const names = new DocumentNames();
    const title = `${'a'.repeat(150)} ${'b'.repeat(150)}.pdf`;
    const sent = Array.from({ length: 12 }, () => names.name(title));
    for (const name of sent) {
      expect(name.length).toBeLessThanOrEqual(200);
      expect(name).toMatch(VALID);
    }
    expect(new Set(sent.map((name) => name.toLowerCase())).size).toBe(12);
    expect(sent[0]).toBe(`${'a'.repeat(150)} ${'b'.repeat(49)}`);
    expect(sent[11]).toBe(`${'a'.repeat(150)} ${'b'.repeat(44)} (12)`);
  });

  it('leaves no space before a number when the cut falls on one', () => {
    const names = new DocumentNames();
    const title = `${'a'.repeat(195)} ${'b'.repeat(10)}`;
    names.name(title);
    expect(names.name(title)).toBe(`${'a'.repeat(195)} (2)`);
  });
});
