#!/usr/bin/env bash
# The all-reduce's cost for the data-parallel scaling model (BENCHMARKS.md): N ranks (default 2) on
# loopback sum float32 buffers of 4 KB to 11.8 MB through libtorch's c10d (Gloo); rank 0 prints
# the median time per size. Usage: scripts/bench-allreduce.sh [N] [repetitions]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-2}"; reps="${2:-40}"
[ -f "$here/core/target/jgan.jar" ] || (cd "$here" && ./mvnw -q -B -DskipTests -pl core package)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
export OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=1 MASTER_ADDR=127.0.0.1 MASTER_PORT=$port WORLD_SIZE=$n
pids=()
for ((r = 0; r < n; r++)); do
  RANK=$r java -cp "$here/core/target/jgan.jar" io.jgan.bench.AllReduceBench "$reps" 2>&1 | grep -v '^\[Gloo\]' &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
