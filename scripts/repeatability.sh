#!/usr/bin/env bash
# Repeatability as a measured property: trains the same command several times from scratch and
# checks that the loss columns of metrics.csv (step, epoch, batch, lossD, lossG, D(x), D(G(z)); not
# the timings) are identical byte for byte.
#   scripts/repeatability.sh [OUT_DIR]      the three checks below (about 30 minutes on 2 cores)
#   JGAN=path/to/jgan scripts/repeatability.sh ...   another launcher (default: this checkout's)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jgan="${JGAN:-$here/jgan}"
out="${1:-$here/runs/repeatability}"
mkdir -p "$out"
failed=0

# check NAME RUNS TRAIN-ARGS...: RUNS runs of `jgan train TRAIN-ARGS`, then the verdict
check() {
  local name=$1 runs=$2
  shift 2
  local first=""
  for i in $(seq 1 "$runs"); do
    local dir="$out/$name-$i"
    rm -rf "$dir"
    "$jgan" train "$@" --checkpoint-every 0 --grid-every 0 --no-progress --out "$dir" > "$dir.log" 2>&1
    local sum
    sum=$(cut -d, -f1-7 "$dir/metrics.csv" | sha256sum | cut -c1-16)
    local rows=$(($(wc -l < "$dir/metrics.csv") - 1))
    echo "$name run $i: $rows steps, loss columns sha256 $sum, last: $(tail -n 1 "$dir/metrics.csv" | cut -d, -f4-7)"
    if [ -z "$first" ]; then
      first=$sum
    elif [ "$sum" != "$first" ]; then
      echo "$name: run $i DIFFERS from run 1 (first different line: $(cmp <(cut -d, -f1-7 "$out/$name-1/metrics.csv") <(cut -d, -f1-7 "$dir/metrics.csv") | sed 's/.*line //'))"
      failed=1
    fi
  done
}

check default 5 --max-steps 4000
check dcgan 3 --model dcgan --max-steps 1000
check ema 3 --ema 0.999 --max-steps 2000
if [ $failed = 0 ]; then echo "repeatability: every run identical to its first"; else echo "repeatability: FAILED"; fi
exit $failed
