#!/bin/bash
# bench/tracer-instructions.sh <record|all|official|encode|encode-official|spans|write> <N1> <N2>: instructions per traced
# request of the tracer alone
# (bench/tracer-work.mjs at N1 and N2 requests under callgrind, differenced so start-up cancels out), without
# V8's compiler and GC as bench/instructions.mjs counts them ("rest"), and in total.
set -euo pipefail
mode=$1; n1=$2; n2=$3
here=$(dirname "$0")
count() {
  local dir; dir=$(mktemp -d)
  valgrind --tool=callgrind --callgrind-out-file="$dir/out" node "$here/tracer-work.mjs" "$mode" "$1" >/dev/null 2>&1
  callgrind_annotate --threshold=100 "$dir/out" | awk '
    /PROGRAM TOTALS/ { gsub(",", "", $1); total = $1 }
    /^ *[0-9,]+ \(/ {
      v = $1; gsub(",", "", v)
      if ($0 ~ /v8::internal::(compiler|maglev|Zone)|Pipeline/) compiler += v
      else if (tolower($0) ~ /marking|sweep|scaveng|evacuat|heap::|memorychunk|compactor/) gc += v
    }
    END { print total - compiler - gc, total }'
  rm -rf "$dir"
}
read -r rest1 total1 <<<"$(count "$n1")"
read -r rest2 total2 <<<"$(count "$n2")"
echo "$mode: rest $(((rest2 - rest1) / (n2 - n1))) instructions per request, total $(((total2 - total1) / (n2 - n1)))"
