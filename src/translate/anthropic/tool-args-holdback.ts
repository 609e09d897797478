/**
 * Anthropic clients parse a streamed tool input as a JSON object (the official SDK fails on anything else),
 * but an OpenAI-compatible model may stream arguments that are not one. Arguments whose first non-blank
 * character is `{` stream straight through; anything else is held back and sent at the end of the block as
 * `{"_raw": "<text>"}`, the same wrapping the non-streaming path uses.
 */
export class ToolArgsHoldback {
  private mode: 'undecided' | 'stream' | 'hold' = 'undecided';
  private held = '';

  /** The partial JSON to send now for this argument fragment ('' when nothing is due yet). */
  push(fragment: string): string {
    if (this.mode === 'stream') return fragment;
    this.held += fragment;
    if (this.mode === 'hold') return '';
    const first = this.held.trimStart()[0];
    if (first === undefined) return '';
    if (first !== '{') {
      this.mode = 'hold';
      return '';
    }
    this.mode = 'stream';
    const ready = this.held;
    this.held = '';
    return ready;
  }

  /** The partial JSON still owed when the block ends ('' when everything was sent or nothing came). */
  finish(): string {
    return this.mode === 'hold' ? JSON.stringify({ _raw: this.held }) : '';
  }
}
