#!/usr/bin/env bash
# Back-to-back speed comparison on this machine, in one run, two tables:
#  1. the default MLP GAN (batch 100, embedded 10k digits): jgan's training loop against the
#     tutorial's own PyTorch code (the peer script seed_gan.py, kept outside this project: SEED_GAN=path);
#  2. DCGAN (batch 128): `jgan bench --model dcgan` against the same model written in PyTorch with
#     nn.ConvTranspose2d (the peer dcgan_jgan.py: DCGAN_PEER=path), at PyTorch's settings, alternating.
#
#   scripts/bench-vs-pytorch.sh [OUT_DIR]          # ONLY=mlp or ONLY=dcgan for one table
#   ONLY=bf16 scripts/bench-vs-pytorch.sh [OUT_DIR] # bfloat16: jgan --precision bf16 against PyTorch's best of
#      fp32 and its own CPU autocast (--autocast), MLP and DCGAN; part of "both" on a CPU with avx512_bf16/amx_bf16
#      (ONLY=bf16-dcgan: its DCGAN table alone)
#   ONLY=ttq scripts/bench-vs-pytorch.sh [OUT_DIR]  # time to quality, DCGAN (~15 minutes a precision; not in "both"):
#      seconds of training until jgan eval's FCD < 100, `jgan bench --model dcgan --to-fcd 100` against
#      the PyTorch twin (scripts/pytorch-time-to-fcd.py, 2 threads PASSIVE), FCD every 250 iterations;
#      on a CPU with bfloat16 instructions also jgan --precision bf16 against the twin's --autocast
#
# Needs Debian's PyTorch for the reference:
#   apt-get install -y python3-torch python3-torchvision libopenblas0-pthread
# Runs: jgan, PyTorch default, PyTorch best (OMP_WAIT_POLICY=PASSIVE), PyTorch best plus the glibc
# malloc settings the jgan launcher uses, then jgan again (to see drift). PyTorch ms/iteration is
# the median over epochs 2..E of its per-epoch time / 100 (epoch 1 is warm-up).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
seed_gan="${SEED_GAN:-$here/../shared/bench/seed_gan.py}"
data="$here/core/src/main/resources/io/jgan/data/mnist10k"
epochs="${PY_EPOCHS:-4}"
py=/usr/bin/python3
dcgan_peer="${DCGAN_PEER:-$here/../shared/bench/dcgan_jgan.py}"
iters="${DCGAN_ITERATIONS:-200}"
# PyTorch starts without any of jgan's launcher settings; a run names the ones it tries
torch_env=(env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT -u MALLOC_MMAP_THRESHOLD_ -u MALLOC_TRIM_THRESHOLD_ -u MALLOC_TOP_PAD_)

run_jgan() {
  "$here/jgan" bench --warmup 50 --iterations "${JGAN_ITERATIONS:-500}" ${JGAN_BENCH_OPTS:---gemm-floor} --json "$out/$1.json" > "$out/$1.txt" 2>&1
  grep -o '"medianMs" : [0-9.]*' "$out/$1.json" | awk '{print $3}'
}

run_py() { # name, then env assignments
  local name=$1; shift
  "${torch_env[@]}" "$@" \
    "$py" "$seed_gan" --data-dir "$data" --epochs "$epochs" --loader tensor --no-final --no-grids \
    --out "$out/$name" ${PY_EXTRA:-} > "$out/$name.txt" 2>&1
  # rows: epoch seconds it/s ...; median of epochs >= 2, in ms per iteration (100 iterations/epoch)
  awk -F'\t' '$1 ~ /^[0-9]+$/ && $1 >= 2 {print $2 * 10}' "$out/$name.txt" | sort -n |
    awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}

run_py_dcgan() { # name, threads, upconv, extra flag ("" for none), then env assignments
  local name=$1 threads=$2 upconv=$3 extra=$4; shift 4
  "${torch_env[@]}" "$@" \
    "$py" "$dcgan_peer" --data-dir "$data" --threads "$threads" --upconv "$upconv" $extra --warmup 30 \
    --iterations "$iters" --json "$out/$name.json" > "$out/$name.txt" 2>&1
  grep -o '"ms_per_iteration_median": [0-9.]*' "$out/$name.json" | awk '{print $2}'
}

only="${ONLY:-both}"
if [ "$only" = both ] || [ "$only" = mlp ]; then
j1=$(run_jgan jgan-1)
pd=$(run_py torch-default)
pb=$(run_py torch-best OMP_WAIT_POLICY=PASSIVE)
pm=$(run_py torch-best-malloc OMP_WAIT_POLICY=PASSIVE MALLOC_MMAP_THRESHOLD_=33554432 \
      MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=67108864)
j2=$(run_jgan jgan-2)

printf '| run | ms/iteration (median) | PyTorch / jgan (jgan = mean of its two runs) |\n|---|---|---|\n'
jm=$(awk -v a="$j1" -v b="$j2" 'BEGIN{printf "%.2f", (a+b)/2}')
printf '| jgan (1st) | %.2f | |\n' "$j1"
printf '| PyTorch seed_gan.py, default (2 threads) | %.2f | %.2fx |\n' "$pd" "$(awk -v p="$pd" -v j="$jm" 'BEGIN{print p/j}')"
printf '| PyTorch, OMP_WAIT_POLICY=PASSIVE (its best) | %.2f | %.2fx |\n' "$pb" "$(awk -v p="$pb" -v j="$jm" 'BEGIN{print p/j}')"
printf '| PyTorch, PASSIVE + jgan'"'"'s malloc settings | %.2f | %.2fx |\n' "$pm" "$(awk -v p="$pm" -v j="$jm" 'BEGIN{print p/j}')"
printf '| jgan (2nd) | %.2f | |\n' "$j2"
grep -h "GEMM floor" "$out/jgan-1.txt" "$out/jgan-2.txt" || true
fi

# ---------------------------------------------------------------------------- DCGAN
if [ "$only" = both ] || [ "$only" = dcgan ]; then
run_jgan_dcgan() {
  "$here/jgan" bench --model dcgan --warmup 30 --iterations "$iters" --json "$out/$1.json" > "$out/$1.txt" 2>&1
  grep -o '"medianMs" : [0-9.]*' "$out/$1.json" | awk '{print $3}'
}
d1=$(run_jgan_dcgan dcgan-jgan-1)
t1=$(run_py_dcgan dcgan-torch-1thread 1 transposed "")
t2=$(run_py_dcgan dcgan-torch-2passive 2 transposed "" OMP_WAIT_POLICY=PASSIVE)
d2=$(run_jgan_dcgan dcgan-jgan-2)
tp=$(run_py_dcgan dcgan-torch-polyphase-1thread 1 polyphase "")
d3=$(run_jgan_dcgan dcgan-jgan-3)
dm=$(printf '%s\n%s\n%s\n' "$d1" "$d2" "$d3" | sort -n | sed -n 2p)
best=$(printf '%s\n%s\n' "$t1" "$t2" | sort -n | head -1)
printf '\n| DCGAN run (batch 128) | ms/iteration (median) | PyTorch / jgan (jgan = median of its three runs) |\n|---|---|---|\n'
printf '| jgan bench --model dcgan (1st, 2nd, 3rd) | %.2f, %.2f, %.2f | |\n' "$d1" "$d2" "$d3"
printf '| PyTorch dcgan_jgan.py, ConvTranspose2d, 1 thread | %.2f | %.2fx |\n' "$t1" "$(awk -v p="$t1" -v j="$dm" 'BEGIN{print p/j}')"
printf '| PyTorch, ConvTranspose2d, 2 threads PASSIVE | %.2f | %.2fx |\n' "$t2" "$(awk -v p="$t2" -v j="$dm" 'BEGIN{print p/j}')"
printf '| PyTorch, jgan'"'"'s polyphase up-sampling, 1 thread | %.2f | %.2fx |\n' "$tp" "$(awk -v p="$tp" -v j="$dm" 'BEGIN{print p/j}')"
printf 'PyTorch best setting with ConvTranspose2d: %.2f ms -> PyTorch / jgan = %.2fx\n' "$best" "$(awk -v p="$best" -v j="$dm" 'BEGIN{print p/j}')"
fi
# ---------------------------------------------------------------------------- bfloat16
if [ "$only" = bf16 ] || [ "$only" = bf16-dcgan ] || { [ "$only" = both ] && grep -qE 'avx512_bf16|amx_bf16' /proc/cpuinfo; }; then
if ! grep -qE 'avx512_bf16|amx_bf16' /proc/cpuinfo; then
  echo "this CPU has no bfloat16 instructions (avx512_bf16, amx_bf16): jgan refuses --precision bf16 here" >&2
  exit 2
fi
run_jgan_bf16() { # name, then bench options
  local name=$1; shift
  "$here/jgan" bench --precision bf16 "$@" --json "$out/$name.json" > "$out/$name.txt" 2>&1
  grep -o '"medianMs" : [0-9.]*' "$out/$name.json" | awk '{print $3}'
}
if [ "$only" != bf16-dcgan ]; then
b1=$(run_jgan_bf16 bf16-mlp-jgan-1 --warmup 50 --iterations "${JGAN_ITERATIONS:-500}" --gemm-floor)
pa=$(run_py torch-best OMP_WAIT_POLICY=PASSIVE)
pc=$(PY_EXTRA=--autocast run_py torch-autocast OMP_WAIT_POLICY=PASSIVE)
p1=$(PY_EXTRA="--threads 1" run_py torch-1thread OMP_WAIT_POLICY=PASSIVE)
p1c=$(PY_EXTRA="--threads 1 --autocast" run_py torch-1thread-autocast OMP_WAIT_POLICY=PASSIVE)
# the launcher's short spin (GOMP_SPINCOUNT=3000) tried for PyTorch too: its best is the best of every setting
pcs=$(PY_EXTRA=--autocast run_py torch-autocast-spin OMP_WAIT_POLICY=PASSIVE GOMP_SPINCOUNT=3000)
b2=$(run_jgan_bf16 bf16-mlp-jgan-2 --warmup 50 --iterations "${JGAN_ITERATIONS:-500}" --gemm-floor)
bm=$(awk -v a="$b1" -v b="$b2" 'BEGIN{printf "%.2f", (a+b)/2}')
pbest=$(printf '%s\n%s\n%s\n%s\n%s\n' "$pa" "$pc" "$p1" "$p1c" "$pcs" | sort -n | head -1)
printf '\n| MLP, bf16 | ms/iteration (median) | PyTorch / jgan |\n|---|---|---|\n'
printf '| jgan bench --precision bf16 (1st, 2nd) | %.2f, %.2f | |\n' "$b1" "$b2"
printf '| PyTorch seed_gan.py, PASSIVE, float32 | %.2f | %.2fx |\n' "$pa" "$(awk -v p="$pa" -v j="$bm" 'BEGIN{print p/j}')"
printf '| PyTorch seed_gan.py, PASSIVE, --autocast (bf16) | %.2f | %.2fx |\n' "$pc" "$(awk -v p="$pc" -v j="$bm" 'BEGIN{print p/j}')"
printf '| PyTorch seed_gan.py, 1 thread, float32 | %.2f | %.2fx |\n' "$p1" "$(awk -v p="$p1" -v j="$bm" 'BEGIN{print p/j}')"
printf '| PyTorch seed_gan.py, 1 thread, --autocast (bf16) | %.2f | %.2fx |\n' "$p1c" "$(awk -v p="$p1c" -v j="$bm" 'BEGIN{print p/j}')"
printf '| PyTorch seed_gan.py, PASSIVE, GOMP_SPINCOUNT=3000, --autocast (bf16) | %.2f | %.2fx |\n' "$pcs" "$(awk -v p="$pcs" -v j="$bm" 'BEGIN{print p/j}')"
printf 'PyTorch best: %.2f ms -> PyTorch / jgan = %.2fx\n' "$pbest" "$(awk -v p="$pbest" -v j="$bm" 'BEGIN{print p/j}')"
grep -h "GEMM floor" "$out/bf16-mlp-jgan-1.txt" "$out/bf16-mlp-jgan-2.txt" || true
fi
e1=$(run_jgan_bf16 bf16-dcgan-jgan-1 --model dcgan --warmup 30 --iterations "$iters")
q1=$(run_py_dcgan bf16-dcgan-torch-1thread 1 transposed "")
q2=$(run_py_dcgan bf16-dcgan-torch-2passive 2 transposed "" OMP_WAIT_POLICY=PASSIVE)
q3=$(run_py_dcgan bf16-dcgan-torch-1thread-autocast 1 transposed --autocast)
q4=$(run_py_dcgan bf16-dcgan-torch-2passive-autocast 2 transposed --autocast OMP_WAIT_POLICY=PASSIVE)
q5=$(run_py_dcgan bf16-dcgan-torch-2passive-spin-autocast 2 transposed --autocast OMP_WAIT_POLICY=PASSIVE GOMP_SPINCOUNT=3000)
e2=$(run_jgan_bf16 bf16-dcgan-jgan-2 --model dcgan --warmup 30 --iterations "$iters")
em=$(awk -v a="$e1" -v b="$e2" 'BEGIN{printf "%.2f", (a+b)/2}')
qbest=$(printf '%s\n%s\n%s\n%s\n%s\n' "$q1" "$q2" "$q3" "$q4" "$q5" | sort -n | head -1)
printf '\n| DCGAN, bf16 | ms/iteration (median) | PyTorch / jgan |\n|---|---|---|\n'
printf '| jgan bench --model dcgan --precision bf16 (1st, 2nd) | %.2f, %.2f | |\n' "$e1" "$e2"
for row in "1 thread, float32:$q1" "2 threads PASSIVE, float32:$q2" "1 thread, --autocast:$q3" "2 threads PASSIVE, --autocast:$q4" "2 threads PASSIVE, GOMP_SPINCOUNT=3000, --autocast:$q5"; do
  printf '| PyTorch dcgan_jgan.py, %s | %.2f | %.2fx |\n' "${row%%:*}" "${row##*:}" "$(awk -v p="${row##*:}" -v j="$em" 'BEGIN{print p/j}')"
done
printf 'PyTorch best: %.2f ms -> PyTorch / jgan = %.2fx\n' "$qbest" "$(awk -v p="$qbest" -v j="$em" 'BEGIN{print p/j}')"
fi
# ---------------------------------------------------------------------------- time to quality
if [ "$only" = ttq ]; then
cap="${TTQ_ITERATIONS:-3000}"
# float32 on both sides; on a CPU with bfloat16 instructions also jgan --precision bf16 and the
# twin under its own --autocast (PyTorch's best is the best of its settings)
precisions=fp32
grep -qE 'avx512_bf16|amx_bf16' /proc/cpuinfo && precisions="fp32 bf16"
printf '\n| time to FCD < 100, DCGAN | iterations | seconds of training | FCD there |\n|---|---|---|---|\n' > "$out/ttq-table.md"
for p in $precisions; do
  "$here/jgan" bench --model dcgan --precision "$p" --to-fcd 100 --eval-every 250 --eval-samples 2000 --iterations "$cap" \
    --json "$out/ttq-jgan-$p.json" > "$out/ttq-jgan-$p.txt" 2>&1
  extra=""
  [ "$p" = bf16 ] && extra=--autocast
  "${torch_env[@]}" OMP_WAIT_POLICY=PASSIVE \
    "$py" "$here/scripts/pytorch-time-to-fcd.py" --peer "$dcgan_peer" --threads 2 --target 100 $extra \
    --iterations "$cap" --eval-every 250 --eval-samples 2000 --out "$out/ttq-torch-$p" > "$out/ttq-torch-$p.txt" 2>&1
  { grep -q '^time to FCD' "$out/ttq-jgan-$p.txt" || echo "| jgan bench --precision $p --to-fcd 100 | not reached in $cap | - | - |"
    grep '^time to FCD' "$out/ttq-jgan-$p.txt" | sed -E "s/.*: ([0-9.]+) s of training, ([0-9]+) iterations \(FCD ([0-9.]+).*/| jgan bench --precision $p --to-fcd 100 | \2 | \1 | \3 |/" || true
    tail -1 "$out/ttq-torch-$p.txt" | "$py" -c 'import json,sys; r=json.load(sys.stdin); a=" --autocast" if r.get("autocast") else ""; r=r["reached"]; print("| PyTorch twin, 2 threads PASSIVE%s | %s | %s | %s |" % ((a, r["step"], r["training_s"], r["fcd"]) if r else (a, "not reached", "-", "-")))'
  } >> "$out/ttq-table.md"
done
cat "$out/ttq-table.md"
fi
"$here/jgan" bench --iterations 1 --warmup 0 2>/dev/null | grep '^cpu:' || true
echo "details in $out"
