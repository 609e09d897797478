import { describe, expect, it } from 'vitest';
import { MAX_PIECE, textPieces } from './text-pieces.js';

describe('textPieces', () => {
  it('gives short text back whole', () => {
    expect([...textPieces('hello world')]).toEqual(['hello world']);
  });

  it('cuts one long word into pieces no longer than the maximum, losing nothing', () => {
    const word = 'x'.repeat(MAX_PIECE * 5 + 7);
    const pieces = [...textPieces(word)];
    expect(pieces.every((piece) => piece.length <= MAX_PIECE)).toBe(true);
    expect(pieces.join('')).toBe(word);
  });

  it('cuts prose before a space, so every piece after the first starts with one', () => {
    const prose = 'the quick brown fox '.repeat(200);
    const pieces = [...textPieces(prose)];
    expect(pieces.join('')).toBe(prose);
    for (const piece of pieces.slice(1)) expect(piece.startsWith(' ')).toBe(true);
  });

  it('never separates the halves of a surrogate pair', () => {
    const text = `${'a'.repeat(MAX_PIECE - 1)}😀${'b'.repeat(10)}`;
    const pieces = [...textPieces(text)];
    expect(pieces.join('')).toBe(text);
    expect(pieces[0]?.endsWith('a')).toBe(true);
  });
});
