/**
 * Names for Converse's document blocks. Converse requires a `name` on each, refuses one with characters other
 * than letters, digits, single whitespace, hyphens, parentheses and square brackets, and refuses a request
 * whose messages hold two documents of the same name ("Messages can't contain duplicate document names"). The
 * whole conversation is resent each turn, so two untitled PDFs, even turns apart, would otherwise both be
 * `document` and every later turn of that conversation would fail.
 */
export class DocumentNames {
  private readonly taken = new Set<string>();

  /** A valid name for the document titled `title` (a file name), unique in this request. */
  name(title: string | undefined): string {
    const base =
      (title ?? '')
        .replace(/[^A-Za-z0-9\s()[\]-]/g, ' ')
        .replace(/\s+/g, ' ')
        .trim() || 'document';
    let name = base;
    // Case is ignored when names are compared, so `Report` and `report` count as one.
    for (let n = 2; this.taken.has(name.toLowerCase()); n++) name = `${base} (${n})`;
    this.taken.add(name.toLowerCase());
    return name;
  }
}
