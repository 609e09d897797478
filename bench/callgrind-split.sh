# Sourced by bench/tracer-instructions.sh and bench/export-instructions.sh. split_counts <callgrind dump>: prints the
# dump's instructions without V8's compiler and GC ("rest", as bench/instructions.mjs counts them) and in total.
split_counts() {
  callgrind_annotate --threshold=100 "$1" | awk '
    /PROGRAM TOTALS/ { gsub(",", "", $1); total = $1 }
    /^ *[0-9,]+ \(/ {
      v = $1; gsub(",", "", v)
      if ($0 ~ /v8::internal::(compiler|maglev|Zone)|Pipeline/) compiler += v
      else if (tolower($0) ~ /marking|sweep|scaveng|evacuat|heap::|memorychunk|compactor/) gc += v
    }
    END { print total - compiler - gc, total }'
}
