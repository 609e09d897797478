#!/bin/bash
# bench/tracer-instructions.sh <record|all|official|encode|encode-official|spans|write> <N1> <N2>: instructions per traced
# request of the tracer alone
# (bench/tracer-work.mjs at N1 and N2 requests under callgrind, differenced so start-up cancels out), without
# V8's compiler and GC as bench/instructions.mjs counts them ("rest"), and in total.
# TRACER_NODE_FLAGS: node flags for the counted runs, e.g. --single-threaded: V8 then compiles on the main thread,
# so when optimised code takes over no longer depends on how busy the machine's cores are (on a loaded machine
# background compiles finish late and the interpreter runs longer: single counts then scatter by ±30%).
set -euo pipefail
mode=$1; n1=$2; n2=$3
here=$(dirname "$0")
# shellcheck source=bench/callgrind-split.sh
source "$here/callgrind-split.sh"
count() {
  local dir; dir=$(mktemp -d)
  # shellcheck disable=SC2086 # the flags are words
  valgrind --tool=callgrind --callgrind-out-file="$dir/out" node ${TRACER_NODE_FLAGS:-} "$here/tracer-work.mjs" "$mode" "$1" >/dev/null 2>&1
  split_counts "$dir/out"
  rm -rf "$dir"
}
read -r rest1 total1 <<<"$(count "$n1")"
read -r rest2 total2 <<<"$(count "$n2")"
echo "$mode: rest $(((rest2 - rest1) / (n2 - n1))) instructions per request, total $(((total2 - total1) / (n2 - n1)))"
