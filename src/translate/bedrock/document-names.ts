/**
 * Names for Converse's document blocks. Converse requires a `name` on each, of 1 to 200 characters, refuses one
 * with characters other than letters, digits, single whitespace, hyphens, parentheses and square brackets, and
 * refuses a request whose messages hold two documents of the same name ("Messages can't contain duplicate
 * document names"). The whole conversation is resent each turn, so two untitled PDFs, even turns apart, would
 * otherwise both be `document` and every later turn of that conversation would fail.
 */

/** Converse's longest document name (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_DocumentBlock.html). */
const MAX_NAME_LENGTH = 200;

/** `base` cut so that `suffix` fits after it within the longest name, with no whitespace left before it. */
function within(base: string, suffix: string): string {
  return base.slice(0, MAX_NAME_LENGTH - suffix.length).trimEnd() + suffix;
}

export class DocumentNames {
  private readonly taken = new Set<string>();

  /** A valid name for the document titled `title` (a file name), unique in this request. */
  name(title: string | undefined): string {
    const base =
      (title ?? '')
        .replace(/[^A-Za-z0-9\s()[\]-]/g, ' ')
        .replace(/\s+/g, ' ')
        .trim() || 'document';
    let name = within(base, '');
    // Case is ignored when names are compared, so `Report` and `report` count as one. A long title's numbered
    // copies are cut to make room for the number, and still differ by it.
    for (let n = 2; this.taken.has(name.toLowerCase()); n++) name = within(base, ` (${n})`);
    this.taken.add(name.toLowerCase());
    return name;
  }
}
