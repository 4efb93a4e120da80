#!/bin/bash
# Runs jgan's GPU build on a CUDA machine that has PyTorch but no Java (the bundle from
# scripts/gpu-bundle.sh: a jlinked Java runtime, jgan's jars, the presets' CUDA JNI libraries).
# libtorch itself is the machine's PyTorch (torch/lib and its nvidia/*/lib): the presets bind
# libtorch 2.10, so this first lists the libtorch symbols the bindings use that the machine's
# libtorch lacks. Then: a smoke test, jgan bench (MLP and DCGAN, float32 and bf16), the default
# training run with its evaluation, the 1-D Gaussian toy, DCGAN for 2,000 steps with evaluation,
# sampling, an export checked by PyTorch, and the DCGAN time to FCD < 100.
#   OUT=DIR bash scripts/gpu-check.sh   (from the repository root; about 5 minutes on an H200)
# Each step has its own timeout; later steps are skipped near LIMIT seconds.
set -u
OUT="${OUT:-$PWD/gpu-out}"; mkdir -p "$OUT"
T0=$(date +%s); LIMIT=${LIMIT:-530}
el() { echo $(( $(date +%s) - T0 )); }
log() { echo "=== [$(el)s] $*"; }
mkdir -p /tmp/nat
source scripts/gpu-env.sh # the bundle unpacked into /tmp/g; SP, TL, LD_LIBRARY_PATH
log info; nvidia-smi -L; nproc; python3 -c 'import torch;print("torch", torch.__version__, torch.version.cuda, torch.cuda.get_device_name(0))'
ls $TL | tr '\n' ' '; echo; echo "NV=$NV"
log symbols
python3 -c 'import zipfile,sys;zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' /tmp/g/app/lib/pytorch-2.10.0-1.5.13-linux-x86_64-gpu.jar /tmp/nat
N=/tmp/nat/org/bytedeco/pytorch/linux-x86_64-gpu
for l in $TL/libtorch_cpu.so $TL/libc10.so $TL/libtorch_cuda.so $TL/libc10_cuda.so $TL/libtorch.so $TL/libtorch_cuda_linalg.so; do [ -f $l ] && nm -D --defined-only $l | awk '{print $NF}'; done | sed 's/@.*//' | sort -u > /tmp/def
for j in libjnitorch.so libjnitorch_cuda.so; do
  nm -D --undefined-only $N/$j | awk '{print $NF}' | grep -v '@' | sort -u | comm -23 - /tmp/def | c++filt | grep -E 'c10|at::|torch|caffe2' > /tmp/miss-$j
  echo "$j: $(wc -l < /tmp/miss-$j) libtorch symbols missing from 2.11"; head -25 /tmp/miss-$j
done
JAVA="/tmp/g/jre/bin/java -Xmx16g -Djava.awt.headless=true -Djava.library.path=$LD_LIBRARY_PATH -cp /tmp/g/app/jgan.jar:/tmp/g/app/lib/* io.jgan.cli.Main"
step() { local t=$1; shift; if [ $(( $(el) + t )) -gt $LIMIT ]; then log "SKIP (time): $*"; return 99; fi
  log "jgan $*"; timeout $t $JAVA "$@" 2>&1 | grep -v '^\s*$' | tail -${TAILN:-25}; local rc=${PIPESTATUS[0]}; echo "rc=$rc"; return $rc; }
nvidia-smi --query-gpu=timestamp,memory.used,utilization.gpu --format=csv,noheader -lms 1000 > $OUT/gpumem.csv 2>&1 &
/tmp/g/jre/bin/java -version 2>&1 | head -1
if ! step 150 bench --device cuda --iterations 20 --warmup 5; then
  log "smoke failed: debug"; timeout 120 /tmp/g/jre/bin/java -Dorg.bytedeco.javacpp.logger.debug=true ${JAVA#/tmp/g/jre/bin/java} bench --device cuda --iterations 3 --warmup 1 > $OUT/debug.log 2>&1; tail -40 $OUT/debug.log
  step 120 bench --device cpu --iterations 20 --warmup 5; exit 1
fi
step 90 bench --device cuda --iterations 3000 --warmup 300
step 90 bench --device cuda --precision bf16 --iterations 3000 --warmup 300
step 90 bench --device cuda --model dcgan --iterations 1000 --warmup 100
step 90 bench --device cuda --model dcgan --precision bf16 --iterations 1000 --warmup 100
step 200 train --device cuda --no-progress --out /tmp/r/mlp && step 90 eval --device cuda --checkpoint /tmp/r/mlp
cp /tmp/r/mlp/metrics.csv $OUT/mlp-metrics.csv; cp /tmp/r/mlp/training.png $OUT/mlp-training.png; cp "$(ls /tmp/r/mlp/grids/*.png | tail -1)" $OUT/mlp-grid.png
step 60 toy --device cuda --no-progress --out /tmp/r/toy
step 150 train --device cuda --model dcgan --max-steps 2000 --no-progress --out /tmp/r/dcgan && step 90 eval --device cuda --checkpoint /tmp/r/dcgan
cp "$(ls /tmp/r/dcgan/grids/*.png | tail -1)" $OUT/dcgan-grid.png
step 60 sample --device cuda --checkpoint /tmp/r/dcgan --out $OUT/dcgan-sample.png
step 40 export --checkpoint /tmp/r/mlp --out /tmp/r/g.safetensors --reference /tmp/r/ref.safetensors && python3 scripts/pytorch-crosscheck.py check /tmp/r/g.safetensors /tmp/r/ref.safetensors
step 150 bench --device cuda --model dcgan --to-fcd 100
log done
