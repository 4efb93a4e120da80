# Sourced, on a CUDA machine that has PyTorch and no Java, by scripts/gpu-check.sh and
# scripts/gpu-ab.sh (from the repository root): unpacks the bundle from scripts/gpu-bundle.sh
# (.gpu/bundle.tar.xz) into /tmp/g, gives its Java runtime a fontconfig file that names the
# bundle's fonts, and puts the machine's PyTorch libtorch (torch/lib, and its nvidia/*/lib) and
# the bundle's system libraries on the loader's path. Sets SP (torch's folder) and TL (its lib).
mkdir -p /tmp/g /tmp/r && tar -xJf .gpu/bundle.tar.xz -C /tmp/g
cat > /tmp/g/fonts.conf <<'CONF'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>/tmp/g/jre/lib/fonts</dir>
  <cachedir>/tmp/g/fccache</cachedir>
</fontconfig>
CONF
SP=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
TL=$SP/lib
NV=$(find $SP/../nvidia -name 'lib*.so*' -printf '%h\n' 2>/dev/null | sort -u | tr '\n' ':')
export LD_LIBRARY_PATH=$TL:$NV/tmp/g/sys
export FONTCONFIG_FILE=/tmp/g/fonts.conf OMP_WAIT_POLICY=PASSIVE
