#!/usr/bin/env bash
# Packs jgan's GPU build for a CUDA machine that has PyTorch but no Java: writes .gpu/bundle.tar.xz
# (about 46 MB) for scripts/gpu-check.sh, which runs there.
#   ./mvnw -B -q -pl core package -DskipTests && scripts/gpu-bundle.sh
# What travels, and why each piece:
# - a Java 17 runtime cut down by jlink to the modules jgan uses (java.desktop for the pictures),
#   with DejaVu fonts, fontconfig and the shared libraries the runtime's font and image code
#   links against (a bare CUDA image has none of them); about 21 MB compressed.
# - jgan.jar and its dependencies, without the CPU natives jar and without the web server's jars
#   (serve is not run there); OpenBLAS's natives cut to what loading libtorch's classes needs.
# - the JNI libraries of the presets' CUDA jar (org.bytedeco:pytorch:2.10.0-1.5.13:linux-x86_64-gpu,
#   458 MB from Maven Central): the jar's libtorch_cpu and libtorch_cuda (836 MB unpacked) do not
#   fit in what a device call carries, so scripts/gpu-check.sh links the bindings against the
#   machine's own PyTorch libtorch instead, after listing the symbols that libtorch lacks.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="$here/core/target/lib"
[ -f "$here/core/target/jgan.jar" ] || { echo "build first: ./mvnw -B -q -pl core package -DskipTests" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
b="$work/b"
mkdir -p "$b/app/lib" "$b/sys" "$work/gpu" "$work/blas"

gpujar="${GPU_JAR:-$HOME/.m2/repository/org/bytedeco/pytorch/2.10.0-1.5.13/pytorch-2.10.0-1.5.13-linux-x86_64-gpu.jar}"
if [ ! -f "$gpujar" ]; then
  mkdir -p "$(dirname "$gpujar")"
  curl -fsS -o "$gpujar" https://repo1.maven.org/maven2/org/bytedeco/pytorch/2.10.0-1.5.13/pytorch-2.10.0-1.5.13-linux-x86_64-gpu.jar
fi
natives=org/bytedeco/pytorch/linux-x86_64-gpu
(cd "$work/gpu" && unzip -q "$gpujar" "$natives/libjnitorch*.so" "$natives/libgomp.so.1" \
  && jar cf0 "$b/app/lib/pytorch-2.10.0-1.5.13-linux-x86_64-gpu.jar" org)

# OpenBLAS: libtorch's preset inherits it, so its classes load (and want their JNI libraries)
# even where the machine's libtorch does not use it
blas=org/bytedeco/openblas/linux-x86_64
(cd "$work/blas" && unzip -q "$lib/openblas-0.3.31-1.5.13-linux-x86_64.jar" \
  "$blas/libopenblas.so.0" "$blas/libgfortran.so.5" "$blas/libquadmath.so.0" "$blas/libgcc_s.so.1" \
  "$blas/libjniopenblas.so" "$blas/libjniopenblas_nolapack.so" \
  && jar cf0 "$b/app/lib/openblas-0.3.31-1.5.13-linux-x86_64.jar" org)

cp "$here/core/target/jgan.jar" "$b/app/"
for f in "$lib"/*.jar; do
  case "$(basename "$f")" in
    pytorch-*-linux-x86_64.jar|openblas-*-linux-x86_64.jar) ;; # replaced above
    javalin-*|jetty-*|kotlin-*|jakarta.*|asm-*|annotations-13*|pdfbox-*|fontbox-*|graphics2d-*|VectorGraphics2D-*) ;;
    *) cp "$f" "$b/app/lib/" ;;
  esac
done

jlink --add-modules java.base,java.desktop,java.management,java.logging,java.xml,jdk.unsupported,jdk.jfr \
  --strip-debug --no-header-files --no-man-pages --compress=0 --output "$b/jre"
mkdir -p "$b/jre/lib/fonts"
cp /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf "$b/jre/lib/fonts/"
for l in libfreetype.so.6 libharfbuzz.so.0 libgraphite2.so.3 libglib-2.0.so.0 libpng16.so.16 libbrotlidec.so.1 \
    libbrotlicommon.so.1 libjpeg.so.62 liblcms2.so.2 libgif.so.7 libpcre2-8.so.0 libz.so.1 libbsd.so.0 libmd.so.0 \
    libfontconfig.so.1 libexpat.so.1 libuuid.so.1; do
  cp -L "$(ldconfig -p | awk -v l="$l" '$1 == l {print $NF; exit}')" "$b/sys/"
done # fontconfig's configuration names the folder the bundle lands in: scripts/gpu-env.sh (sourced there) writes it

mkdir -p "$here/.gpu"
tar -C "$b" -cf - . | xz -T0 -6 > "$here/.gpu/bundle.tar.xz"
echo "wrote $here/.gpu/bundle.tar.xz ($(du -h "$here/.gpu/bundle.tar.xz" | cut -f1)); run scripts/gpu-check.sh on the GPU machine"
