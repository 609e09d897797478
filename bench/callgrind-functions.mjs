// node bench/callgrind-functions.mjs <requests> <baseline dump>[,<dump>…] <variant dump>[,<dump>…] [--top=60]
// [--min=200]: where a variant's instructions per request differ from its baseline's, function by function (self
// cost), from dumps kept by `bench/instructions.mjs --keep=<dir> --node-flags=--perf-basic-prof` (several dumps of
// one gateway, e.g. its threads under --threads, are summed when given comma-separated). Callgrind cannot name
// V8's JIT code (it shows `0x…` addresses); the gateway's own /tmp/perf-<pid>.map, written by --perf-basic-prof,
// names it: each address is looked up in the ranges of the map of the pid the dump records, the latest entry
// winning where code was moved or its memory reused. Prints the functions whose difference is at least --min
// instructions a request, largest first, and the sums by kind (JIT code by its V8 tier, builtins, the rest).
// `--callers=<regex>`: instead, the callers of the functions whose name matches, by the instructions spent in
// them (inclusive) per request, baseline against variant: who calls a builtin more often in the variant.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const option = (name, fallback) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const [requestsArg, baselineArg, variantArg] = args;
if (!variantArg) {
  process.stderr.write('usage: node bench/callgrind-functions.mjs <requests> <baseline dumps> <variant dumps>\n');
  process.exit(2);
}
const REQUESTS = Number(requestsArg);
const TOP = option('top', 60);
const MIN = option('min', 200);
/** `--own=<text>`: functions whose name holds the text (e.g. `otel-tracer`, the tracer's chunk) are a kind of their own. */
const OWN = process.argv.find((a) => a.startsWith('--own='))?.slice('--own='.length);
const CALLERS = process.argv.find((a) => a.startsWith('--callers='))?.slice('--callers='.length);

/** A perf map's entries sorted by start, each with its line number (later lines win over earlier ones). */
function perfMap(pid) {
  const file = `/tmp/perf-${pid}.map`;
  if (!existsSync(file)) return [];
  const entries = [];
  let line = 0;
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    const space = text.indexOf(' ');
    const second = text.indexOf(' ', space + 1);
    if (second < 0) continue;
    const start = Number.parseInt(text.slice(0, space), 16);
    entries.push({
      start,
      end: start + Number.parseInt(text.slice(space + 1, second), 16),
      name: text.slice(second + 1),
      line: line++,
    });
  }
  return entries.sort((a, b) => a.start - b.start);
}

/** The name of the JIT code at `address`: the latest map entry whose range holds it. */
function lookUp(entries, address) {
  let low = 0;
  let high = entries.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (entries[mid].start <= address) low = mid + 1;
    else high = mid - 1;
  }
  let found;
  // Entries starting at or before the address, nearest first; a moved function's older ranges overlap newer ones.
  for (let index = high; index >= 0 && index > high - 200; index--) {
    const entry = entries[index];
    if (entry.start <= address && address < entry.end && (found === undefined || entry.line > found.line))
      found = entry;
  }
  return found?.name;
}

/** A dump's function names (JIT addresses named through its pid's perf map). */
function namer(file) {
  const pid = /^pid:\s*(\d+)/m.exec(readFileSync(file, 'utf8').slice(0, 4096))?.[1];
  const entries = pid ? perfMap(pid) : [];
  return (raw) => {
    const name = raw.replace(/^\?\?\?:/, '');
    const address = /^0x([0-9a-f]+)$/i.exec(name);
    return address ? (lookUp(entries, Number.parseInt(address[1], 16)) ?? 'JIT code not in the map') : name;
  };
}

/**
 * Inclusive instructions of the calls into functions matching `pattern`, by calling function, read from the
 * dump itself (callgrind's `fn=` / `cfn=` / `calls=` records, names compressed as `(id) name`).
 */
function callersOf(file, pattern, into) {
  const name = namer(file);
  const names = new Map();
  const named = (field) => {
    const match = /^\((\d+)\)(?: (.*))?$/.exec(field);
    if (!match) return field;
    if (match[2] !== undefined) names.set(match[1], match[2]);
    return names.get(match[1]) ?? field;
  };
  let caller = '';
  let callee = '';
  let afterCalls = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('fn=')) caller = named(line.slice(3));
    else if (line.startsWith('cfn=')) callee = named(line.slice(4));
    else if (line.startsWith('calls=')) afterCalls = true;
    else if (afterCalls) {
      afterCalls = false;
      const calleeName = name(callee);
      if (!pattern.test(calleeName)) continue;
      const cost = Number(line.trim().split(/\s+/)[1] ?? 0);
      const key = `${name(caller)} -> ${calleeName}`;
      into.set(key, (into.get(key) ?? 0) + cost);
    }
  }
  return into;
}

/** Self instructions by function name of one dump, JIT addresses named. */
function functionsOf(file, into) {
  const name = namer(file);
  const annotated = execFileSync('callgrind_annotate', ['--threshold=100', '--inclusive=no', file], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  for (const line of annotated.split('\n')) {
    const match = /^\s*([\d,]+) \([^)]*\)\s+(\S.*?)(?: \[[^\]]*\])?$/.exec(line);
    if (!match || match[2].startsWith('PROGRAM TOTALS')) continue;
    const ir = Number(match[1].replaceAll(',', ''));
    const named = name(match[2]);
    into.set(named, (into.get(named) ?? 0) + ir);
  }
  return into;
}

const sumOf = (list) => {
  const totals = new Map();
  for (const file of list.split(',')) {
    if (CALLERS) callersOf(file, new RegExp(CALLERS), totals);
    else functionsOf(file, totals);
  }
  return totals;
};
const baseline = sumOf(baselineArg);
const variant = sumOf(variantArg);

/** The kind a name belongs to: V8's JIT tiers as --perf-basic-prof marks them, builtins, the rest. */
function kindOf(name) {
  if (OWN && name.includes(OWN)) return `JS of ${OWN}`;
  if (/^JS:\*/.test(name)) return 'optimised JS (TurboFan)';
  if (/^JS:\+/.test(name)) return 'Maglev JS';
  if (/^JS:\^/.test(name)) return 'Sparkplug JS';
  if (/^JS:~/.test(name)) return 'interpreted JS (bytecode handlers)';
  if (/^(Builtin|BytecodeHandler|Builtins_)/.test(name) || /^v8::internal::Builtin/.test(name)) return 'builtins';
  if (/sqlite3/.test(name)) return 'sqlite';
  if (/^RegExp:/.test(name)) return 'regular expressions';
  // IterateObjectCache: the startup object cache, visited as roots by every scavenge.
  if (/Marking|Sweep|Scaveng|Evacuat|heap::|Heap::|MemoryChunk|Compactor|IterateObjectCache/i.test(name)) return 'GC';
  if (/v8::internal::(compiler|maglev|Zone)|Pipeline/.test(name)) return 'JIT compiler';
  return 'native (V8 runtime, Node, libc, kernel entry)';
}

const rows = [];
for (const name of new Set([...baseline.keys(), ...variant.keys()])) {
  const before = (baseline.get(name) ?? 0) / REQUESTS;
  const after = (variant.get(name) ?? 0) / REQUESTS;
  rows.push({ name, before, after, difference: after - before });
}
const kinds = new Map();
for (const row of rows) {
  const kind = kindOf(row.name);
  const sums = kinds.get(kind) ?? { before: 0, after: 0 };
  sums.before += row.before;
  sums.after += row.after;
  kinds.set(kind, sums);
}
const k = (n) => `${(n / 1000).toFixed(1)}k`;
const total = (map) => [...map.values()].reduce((a, b) => a + b, 0) / REQUESTS;
const lines = [
  `instructions per request (self): baseline ${k(total(baseline))}, variant ${k(total(variant))}, difference ${k(total(variant) - total(baseline))}`,
  '',
  '| kind | baseline | variant | difference |',
  '|---|---|---|---|',
  ...[...kinds]
    .sort((a, b) => b[1].after - b[1].before - (a[1].after - a[1].before))
    .map(([kind, s]) => `| ${kind} | ${k(s.before)} | ${k(s.after)} | ${k(s.after - s.before)} |`),
  '',
  '| function | baseline | variant | difference |',
  '|---|---|---|---|',
  ...rows
    .filter((row) => Math.abs(row.difference) >= MIN)
    .sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference))
    .slice(0, TOP)
    .map((row) => `| ${row.name.slice(0, 110)} | ${k(row.before)} | ${k(row.after)} | ${k(row.difference)} |`),
];
process.stdout.write(`${lines.join('\n')}\n`);
