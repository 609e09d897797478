// Markdown for the on/off comparisons of bench/run.mjs (measured by bench/paired-rounds.mjs): one table shape for
// every phase, ratios as the median of per-round paired ratios with their min–max.

const f = (n, digits = 0) => (n === null || n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));

/** The throughput ratio the targets are judged on: the median paired ratio (a division for older result files). */
export const ratioOf = (m, base) => m.ratio?.median ?? m.rps / base.rps;

/** `0.962 (0.93–0.99)`: the median over rounds and its min–max; the baseline's own row reads 1. */
function pairedCell(ratio) {
  if (!ratio) return '1';
  return ratio.values.length > 1 ? `${f(ratio.median, 3)} (${f(ratio.min, 2)}–${f(ratio.max, 2)})` : f(ratio.median, 3);
}

const modeCells = (m) => `${f(m.rps)} | ${pairedCell(m.ratio)} | ${pairedCell(m.cpuRatio)} | ${f(m.cpuUsPerRequest)}`;

/**
 * A comparison table: `rows` are `[label, { nonStream, stream }]`, `base` names what the ratios are taken against
 * ("off", "passthrough"). "by CPU" is the baseline's CPU per request ÷ this row's, per round: the same cost read
 * from the gateway's CPU time instead of the load tool's count.
 */
export function comparisonTable(title, base, rows) {
  return [
    `| ${title} | non-stream req/s | of ${base} | by CPU | CPU µs/req | stream req/s | of ${base} | by CPU | CPU µs/req |`,
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(([label, m]) => `| ${label} | ${modeCells(m.nonStream)} | ${modeCells(m.stream)} |`),
  ];
}

/**
 * How the table was measured, from its own figures: the rounds, and how busy the gateway kept its core (near
 * 100% means the gateway set the pace, so throughput and CPU ratios read the same cost) and the load core (near
 * 100% would mean the upstream or the load tool, not the gateway, capped the throughput).
 */
export function roundsNote(measured) {
  const modes = Object.values(measured).filter((m) => m?.nonStream?.runs);
  if (modes.length === 0) return [];
  const count = modes[0].nonStream.runs.length;
  const busy = (mode, key = 'gatewayBusy') => modes.map((m) => m[mode][key]).filter((b) => typeof b === 'number');
  const range = (values) =>
    values.length ? `${f(Math.min(...values) * 100)}–${f(Math.max(...values) * 100)}%` : 'not measured';
  return [
    '',
    `${count} paired round${count === 1 ? '' : 's'}, each with freshly started gateways warmed up and measured in turns; ratios are per round (this ÷ the baseline of the same round), median (min–max). Gateway CPU use while loaded: ${range(busy('nonStream'))} non-stream, ${range(busy('stream'))} stream; load core (upstream + load tool) busy ${range([...busy('nonStream', 'loadCore'), ...busy('stream', 'loadCore')])}; machine load average ${loadRange(modes)}.`,
  ];
}

/** The lowest and highest 1-minute load average seen at the end of the table's runs. */
function loadRange(modes) {
  const values = modes.flatMap((m) => [...m.nonStream.runs, ...m.stream.runs].map((run) => run.loadAverage));
  const known = values.filter((v) => typeof v === 'number');
  return known.length ? `${f(Math.min(...known), 1)}–${f(Math.max(...known), 1)}` : 'not recorded';
}

/** `0.985 / 0.990`: the median paired ratios of each (name, mode), for a target line. */
export function ratioList(x, names, baseline) {
  return names.flatMap((name) => ['nonStream', 'stream'].map((mode) => ratioOf(x[name][mode], x[baseline][mode])));
}
