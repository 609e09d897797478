#!/bin/bash
# bench/export-instructions.sh <N1> <N2>: instructions per OTLP export of a ~1.9 MB batch (bench/export-work.mjs under
# callgrind at N1 and N2 exports, differenced), without V8's compiler and GC ("rest"), and in total; the sink's
# process is not counted. AMG_DIST=<dir> counts another build's exporter.
set -euo pipefail
n1=$1; n2=$2
here=$(dirname "$0")
# shellcheck source=bench/callgrind-split.sh
source "$here/callgrind-split.sh"
count() {
  local dir; dir=$(mktemp -d)
  valgrind --tool=callgrind --callgrind-out-file="$dir/out" node "$here/export-work.mjs" "$1" >/dev/null 2>&1
  split_counts "$dir/out"
  rm -rf "$dir"
}
read -r rest1 total1 <<<"$(count "$n1")"
read -r rest2 total2 <<<"$(count "$n2")"
echo "export: rest $(((rest2 - rest1) / (n2 - n1))) instructions per export, total $(((total2 - total1) / (n2 - n1)))"
