#!/usr/bin/env bash
# Sampling throughput, whole commands (JVM and Spark start-up included): jgan sample in one
# process (libtorch's 2 threads) against jgan-spark sample in local[1] and local[2] (one libtorch
# thread a task), for N DCGAN samples written as PNG (a folder of files / a Parquet png column).
# Usage: scripts/spark-sampling-bench.sh [N] [REPS]      (from the repository's top folder)
set -euo pipefail
n="${1:-100000}"
reps="${2:-3}"
ckpt=/tmp/jgan-bench-dcgan
[ -d "$ckpt" ] || ./jgan train --model dcgan --max-steps 100 --no-progress --out "$ckpt" >/dev/null
./jgan-spark --version >/dev/null  # builds the Spark module once, outside the timings
run() {  # label, command...: prints the wall seconds
  local label="$1"; shift
  rm -rf /tmp/jgan-bench-out
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s.%N)
  printf '%s %.1f\n' "$label" "$(echo "$t1 - $t0" | bc)"
}
for r in $(seq "$reps"); do
  run "jgan-sample-dir" ./jgan sample --checkpoint "$ckpt" --n "$n" --seed 1 --format dir --out /tmp/jgan-bench-out
  run "spark-local1" ./jgan-spark sample --checkpoint "$ckpt" --n "$n" --seed 1 --master 'local[1]' --partitions 8 --out /tmp/jgan-bench-out
  run "spark-local2" ./jgan-spark sample --checkpoint "$ckpt" --n "$n" --seed 1 --master 'local[2]' --partitions 8 --out /tmp/jgan-bench-out
done
rm -rf /tmp/jgan-bench-out
