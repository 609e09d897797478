import type { IrStreamEvent } from '../ir/types.js';

/**
 * Reorders IR stream events so tool calls come out one after another: while one tool-call block is open,
 * the events of tool-call blocks opened after it are held, and released in order once it closes. IR tool
 * blocks may interleave (parallel calls from OpenAI-compatible streams), but Chat clients may not take that:
 * the openai SDK's stream helper treats a call as finished as soon as another index appears, and parses its
 * arguments then. Every other event passes straight through.
 */
export class ToolCallSequencer {
  private active: number | undefined;
  private readonly waiting: number[] = [];
  private readonly held = new Map<number, IrStreamEvent[]>();
  private readonly toolBlocks = new Set<number>();

  push(event: IrStreamEvent): IrStreamEvent[] {
    switch (event.type) {
      case 'block_start':
        return event.block.type === 'tool_call' ? this.open(event.index, event) : [event];
      case 'tool_args_delta':
        return this.hold(event.index, event) ? [] : [event];
      case 'block_stop':
        return this.toolBlocks.has(event.index) ? this.close(event.index, event) : [event];
      case 'finish':
        return [...this.releaseAll(), event];
      default:
        return [event];
    }
  }

  private open(index: number, event: IrStreamEvent): IrStreamEvent[] {
    this.toolBlocks.add(index);
    if (this.active === undefined) {
      this.active = index;
      return [event];
    }
    this.waiting.push(index);
    this.held.set(index, [event]);
    return [];
  }

  /** Holds the event when its block waits behind another; false when it may go out now. */
  private hold(index: number, event: IrStreamEvent): boolean {
    const held = this.held.get(index);
    held?.push(event);
    return held !== undefined;
  }

  private close(index: number, event: IrStreamEvent): IrStreamEvent[] {
    if (this.hold(index, event)) return [];
    if (index === this.active) this.active = undefined;
    return [event, ...this.release()];
  }

  /** Releases waiting blocks in order until one is still open, which becomes the active block. */
  private release(): IrStreamEvent[] {
    const out: IrStreamEvent[] = [];
    while (this.active === undefined && this.waiting.length > 0) {
      const next = this.waiting.shift() as number;
      const events = this.held.get(next) ?? [];
      this.held.delete(next);
      out.push(...events);
      if (!events.some((event) => event.type === 'block_stop')) this.active = next;
    }
    return out;
  }

  private releaseAll(): IrStreamEvent[] {
    const out: IrStreamEvent[] = [];
    for (const index of this.waiting) out.push(...(this.held.get(index) ?? []));
    this.waiting.length = 0;
    this.held.clear();
    this.active = undefined;
    return out;
  }
}
