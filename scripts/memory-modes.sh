#!/usr/bin/env bash
# Resident memory at step 500 and at step 5,000 for each training mode, to show that no mode
# leaks (a long run's memory stays flat).
#   scripts/memory-modes.sh [OUT_DIR]   (about 45 minutes on 2 cores)
#   ONLY_SAMPLED=1 scripts/memory-modes.sh ...   only the --eval-every and --resume runs
# The loop modes run through `jgan bench` (RSS and engine-array counts every 500 iterations);
# --eval-every and --resume run through `jgan train`, whose java process is sampled when its
# metrics.csv reaches the step.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jgan="${JGAN:-$here/jgan}"
out="${1:-$here/runs/memory-modes}"
mkdir -p "$out"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"

bench() { # NAME BENCH-ARGS...
  local name=$1
  shift
  "$jgan" bench "$@" --warmup 0 --iterations 5000 --rss-every 500 --json "$out/$name.json" > "$out/$name.log" 2>&1
  echo "$name: $(grep -E '^resident' "$out/$name.log" | cut -d: -f2 | awk '{print $1, $NF}')" \
      "| arrays: $(grep -E '^native objects' "$out/$name.log" | cut -d: -f2 | awk '{print $1, $NF}')"
}

rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$1/status" 2>/dev/null; }

# sampled NAME RUN_DIR TRAIN-ARGS...: RSS of the training process at steps 500 and 5,000
sampled() {
  local name=$1 dir=$2
  shift 2
  "$jgan" train "$@" > "$out/$name.log" 2>&1 &
  local pid=$! at500="" at5000=""
  while kill -0 "$pid" 2>/dev/null; do
    local step
    step=$(tail -n 1 "$dir/metrics.csv" 2>/dev/null | cut -d, -f1 || true) # no log yet: not an error
    case "$step" in ''|*[!0-9]*) step=0 ;; esac
    if [ -z "$at500" ] && [ "$step" -ge 500 ]; then at500="$(rss "$pid") MiB at step $step"; fi
    if [ -z "$at5000" ] && [ "$step" -ge 5000 ]; then at5000="$(rss "$pid") MiB at step $step"; fi
    sleep 0.1
  done
  wait "$pid"
  echo "$name: $at500, $at5000"
}

if [ "${ONLY_SAMPLED:-}" != 1 ]; then
  bench mlp
  bench ema --ema 0.999
  bench wgan-gp --loss wgan-gp
  bench conditional --conditional
  bench dcgan --model dcgan
fi
rm -rf "$out/eval-run" "$out/resume-run"
sampled eval-every "$out/eval-run" --max-steps 5050 --eval-every 500 --checkpoint-every 0 --no-progress \
    --out "$out/eval-run"
"$jgan" train --max-steps 200 --checkpoint-every 200 --no-progress --out "$out/resume-run" > "$out/resume-first.log" 2>&1
sampled resume "$out/resume-run" --resume "$out/resume-run" --max-steps 5050 --checkpoint-every 1000 --no-progress
