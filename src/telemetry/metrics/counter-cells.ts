import { Counter, type Registry } from 'prom-client';

/** One series of a counter family: its labels and its running total. */
export class CounterCell {
  value = 0;

  constructor(readonly labels: Readonly<Record<string, string>>) {}

  inc(amount: number): void {
    this.value += amount;
  }
}

export interface CellFamilyConfig {
  name: string;
  help: string;
  labelNames: readonly string[];
}

/**
 * A counter family counted in plain numbers on the request path and handed to prom-client only when scraped.
 * prom-client's `inc` checks and hashes the label set on every call, even through a bound child; here a request
 * adds to a cell it already holds, and the scrape's `collect` copies each total into the prom-client Counter,
 * which renders it as before. Series are listed in the order they were first counted, as prom-client lists them.
 */
export class CellCounter {
  private readonly cells = new Map<string, CounterCell>();
  private readonly labelNames: readonly string[];

  constructor(registry: Registry, config: CellFamilyConfig) {
    this.labelNames = config.labelNames;
    const cells = this.cells;
    new Counter({
      name: config.name,
      help: config.help,
      labelNames: [...config.labelNames],
      registers: [registry],
      collect() {
        this.reset();
        for (const cell of cells.values()) this.inc(cell.labels, cell.value);
      },
    });
  }

  /**
   * The series of these label values (in label-name order). Ask for it only to count into it: from then on it
   * is part of the exposition.
   */
  cell(values: readonly string[]): CounterCell {
    const key = values.join('\u0000');
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = new CounterCell(labelsOf(this.labelNames, values));
      this.cells.set(key, cell);
    }
    return cell;
  }
}

/** A label set as prom-client takes it: names in declaration order, which is the order they are rendered in. */
export function labelsOf(names: readonly string[], values: readonly string[]): Record<string, string> {
  if (names.length !== values.length) {
    throw new Error(`expected ${names.length} label values (${names.join(', ')}), got ${values.length}`);
  }
  const labels: Record<string, string> = {};
  for (const [index, name] of names.entries()) labels[name] = values[index] as string;
  return labels;
}
