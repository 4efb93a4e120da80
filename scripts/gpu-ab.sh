#!/bin/bash
# A/B of two jgan builds on a CUDA machine (the bundle from scripts/gpu-bundle.sh, unpacked by
# scripts/gpu-env.sh): the bundle's jgan.jar against .gpu/jgan-base.jar (an earlier
# build's core/target/jgan.jar, copied there), `jgan bench --device cuda` alternated in ROUNDS
# rounds for the MLP and DCGAN, float32 and bf16; then DCGAN trained 2,000 steps and evaluated
# with the bundle's jar, to see that quality holds.
#   ROUNDS=2 OUT=DIR bash scripts/gpu-ab.sh   (from the repository root)
set -u
OUT="${OUT:-$PWD/gpu-out}"; mkdir -p "$OUT"
T0=$(date +%s); LIMIT=${LIMIT:-400}; ROUNDS=${ROUNDS:-2}
el() { echo $(( $(date +%s) - T0 )); }
source scripts/gpu-env.sh # the bundle unpacked into /tmp/g; LD_LIBRARY_PATH
cp .gpu/jgan-base.jar /tmp/g/app/jgan-base.jar
run() { # jar, then jgan's arguments
  local jar=$1; shift
  timeout 120 /tmp/g/jre/bin/java -Xmx16g -Djava.awt.headless=true -Djava.library.path=$LD_LIBRARY_PATH \
    -cp /tmp/g/app/$jar:/tmp/g/app/lib/* io.jgan.cli.Main "$@" 2>&1
}
nvidia-smi -L
for r in $(seq 1 $ROUNDS); do
  for cfg in "--iterations 2000 --warmup 200" "--model dcgan --iterations 600 --warmup 100" \
             "--model dcgan --precision bf16 --iterations 600 --warmup 100"; do
    for jar in jgan-base.jar jgan.jar; do
      [ "$(el)" -gt "$LIMIT" ] && { echo "SKIP (time)"; break 3; }
      printf '[%ss] round %s %-13s %-50s ' "$(el)" "$r" "$jar" "$cfg"
      run $jar bench --device cuda $cfg | grep 'ms/iteration' | sed 's/.*warm-up: //'
    done
  done
done
if [ "$(el)" -lt $(( LIMIT - 90 )) ]; then
  echo "[$(el)s] train --model dcgan --max-steps 2000 (bundle's jar)"
  run jgan.jar train --device cuda --model dcgan --max-steps 2000 --no-progress --out /tmp/r/dcgan | tail -2
  run jgan.jar eval --device cuda --checkpoint /tmp/r/dcgan | grep -i 'fcd\|recall' | head -3
  cp "$(ls /tmp/r/dcgan/grids/*.png | tail -1)" $OUT/dcgan-grid.png 2>/dev/null
fi
echo "[$(el)s] done"
